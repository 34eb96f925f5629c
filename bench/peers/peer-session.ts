// The protocol subset the reference servers speak (so the load clients drive them exactly like Lineage).
import type { MarketFeed } from './market-feed.ts';

/** What a peer needs from one of its sockets. */
export interface PeerSocket {
  send(text: string): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
}

export interface ConnectParams {
  topics: string[];
  since: number | null;
}

/** `?topics=a,b` (default `market,agent`, as in Lineage) and `?since=N`. */
export function connectParams(url: URL): ConnectParams {
  const list = url.searchParams.get('topics');
  const topics =
    list === null
      ? ['market', 'agent']
      : list
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t.length > 0)
          .slice(0, 64);
  const raw = url.searchParams.get('since');
  const since = raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
  return { topics, since };
}

/** Does a connection holding `held` want this symbol's events? */
function wants(held: ReadonlySet<string>, symbol: string): boolean {
  return held.has('market') || held.has(`market.${symbol}`);
}

/** Welcome, then (with `since`) the missed events in order, then live delivery; single-threaded, so nothing interleaves. */
export function openSession(socket: PeerSocket, held: Set<string>, params: ConnectParams, feed: MarketFeed): void {
  for (const t of params.topics) held.add(t);
  socket.send(
    JSON.stringify({
      event_type: 'welcome',
      message: 'bench reference server',
      version: 'peer',
      epoch: 'peer',
      sequence: feed.sequence,
      oldest_sequence: feed.oldest,
      topics: ['market', 'agent', 'arena'],
      subscriptions: [...held],
    }),
  );
  const since = params.since;
  if (since === null) {
    for (const t of held) socket.subscribe(t);
    return;
  }
  if (!feed.covers(since)) {
    for (const t of held) socket.subscribe(t);
    socket.send(
      JSON.stringify({
        event_type: 'resume_failed',
        since,
        reason: since > feed.sequence ? 'ahead' : 'too_old',
        oldest_sequence: feed.oldest,
        sequence: feed.sequence,
      }),
    );
    return;
  }
  let replayed = 0;
  for (const e of feed.after(since)) {
    if (!wants(held, e.symbol)) continue;
    socket.send(e.json);
    replayed++;
  }
  for (const t of held) socket.subscribe(t);
  socket.send(JSON.stringify({ event_type: 'resumed', since, sequence: feed.sequence, replayed }));
}

/** subscribe / unsubscribe / ping; anything else gets an error frame. */
export function handleMessage(socket: PeerSocket, held: Set<string>, text: string, feed: MarketFeed): void {
  let message: { op?: unknown; topics?: unknown; id?: unknown };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    socket.send('{"event_type":"error","code":"invalid_json","message":"not JSON"}');
    return;
  }
  const topics = Array.isArray(message.topics)
    ? message.topics.filter((t): t is string => typeof t === 'string').slice(0, 64)
    : [];
  switch (message.op) {
    case 'subscribe': {
      const added = topics.filter((t) => !held.has(t));
      for (const t of added) {
        held.add(t);
        socket.subscribe(t);
      }
      socket.send(JSON.stringify({ event_type: 'subscribed', topics: added, subscriptions: [...held] }));
      return;
    }
    case 'unsubscribe': {
      const removed = topics.filter((t) => held.delete(t));
      for (const t of removed) socket.unsubscribe(t);
      socket.send(JSON.stringify({ event_type: 'unsubscribed', topics: removed, subscriptions: [...held] }));
      return;
    }
    case 'ping':
      socket.send(
        JSON.stringify({
          event_type: 'pong',
          ...(typeof message.id === 'string' ? { id: message.id } : {}),
          sequence: feed.sequence,
          timestamp: new Date().toISOString(),
        }),
      );
      return;
    default:
      socket.send('{"event_type":"error","code":"unknown_op","message":"unknown op"}');
  }
}
