// A connection's session state (what `ws.data` carries) and what the session machine needs from its hub.
import type { ServerWebSocket } from 'bun';
import type { Config } from '../config.ts';
import type { ClosedBy, HubMetrics } from '../metrics/hub-metrics.ts';
import { MAX_CONFLATE_MS, type RequestId } from '../protocol/client-messages.ts';
import { WELCOME_MESSAGE, type WelcomeMessage } from '../protocol/server-messages.ts';
import { splitTopicList } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { type ConflationTarget, type Conflator, conflatable, conflationInterval, type Pending } from './conflation.ts';
import type { EventHistory } from './history.ts';
import type { NativeSubscriptions } from './native-subscriptions.ts';
import type { Principal, VerifyToken } from './principal.ts';
import { TokenBucket } from './rate-limit.ts';
import type { KnownKeys } from './topic-admission.ts';

export type SessionState = 'admitted' | 'catching_up' | 'live' | 'closing';

/** A resume in progress: replaying history to one socket, paced by its drain events. */
export interface CatchUp {
  /** The client's `since`. */
  since: number;
  /** The last sequence examined. */
  cursor: number;
  /** Head sequence when the resume started; later events were not delivered live. */
  until: number;
  /** Native topics that were live (and since when) when the resume started. */
  liveSince: Map<string, number>;
  replayed: number;
  /** The resume op's request id, echoed by `resumed`. */
  id?: RequestId;
  /** Latest replayed event per key of the conflated topics: sent once, as conflated frames, when the replay ends. */
  latest: Map<string, Pending>;
}

/** Per-connection state, set at upgrade and carried in `ws.data`. */
export interface Session {
  id: number;
  remote: string;
  state: SessionState;
  /** Topics the client holds (`market`, `market.BTC-USD`, ...). */
  held: Set<string>;
  /** Native Bun topics currently subscribed, each with the head sequence at subscription. */
  live: Map<string, number>;
  /** Held topics delivered conflated, with their interval (ms). */
  conflate: Map<string, number>;
  /** This connection as a conflation target (set when it opens). */
  target: ConflationTarget | null;
  catchUp: CatchUp | null;
  closedBy?: ClosedBy;
  /** The connection's verified JWT (null without one: every public topic, no end). */
  principal: Principal | null;
  /** Cancels the `token_expiring` and `exp` timers. */
  expiry: (() => void) | null;
  messages: TokenBucket;
  badFrames: TokenBucket;
  /** Asked for at connect: `?topics=` (null = the default topics), `?since=` and `?epoch=`. */
  request: { topics: string[] | null; since: string | null; epoch: string | null; conflateMs: string | null };
}

export type Socket = ServerWebSocket<Session>;

export type SessionLimits = Pick<Config, 'maxTopics' | 'maxMessageRate' | 'maxBadFrames' | 'sendBufferBytes'>;

/** What sessions need from their hub: the stream's position and history, native topics, metrics. */
export interface SessionContext {
  readonly version: string;
  readonly limits: SessionLimits;
  /** permessage-deflate negotiated where the client offers it. */
  readonly compress: boolean;
  readonly history: EventHistory;
  readonly native: NativeSubscriptions;
  readonly conflator: Conflator;
  readonly metrics: HubMetrics;
  readonly known: KnownKeys;
  /** `token_expiring` goes out this long before a token's `exp`. */
  readonly refreshWindowMs: number;
  /** Checks a `refresh` op's token; absent when the server takes no JWTs. */
  readonly verifyToken: VerifyToken | undefined;
  /** Run `fn` for this socket so that nothing it throws escapes (timers and promises call back outside Bun's handlers). */
  guard(ws: Socket, fn: () => void): void;
  log(line: string): void;
  epoch(): string;
  offeredTopics(): string[];
  now(): number;
  /** The socket joined (open) or left (close) the hub's registry. */
  joined(ws: Socket): void;
  left(ws: Socket): boolean;
}

/** `?conflate_ms=` as milliseconds (null when malformed; 0 when absent). */
export function parseConflateMs(raw: string | null): number | null {
  if (raw === null) return 0;
  if (!/^\d{1,5}$/.test(raw)) return null;
  const ms = Number(raw);
  return ms <= MAX_CONFLATE_MS ? ms : null;
}

/** The one-line error for a `?conflate_ms=` that `parseConflateMs` refused. */
export function conflateMsError(raw: string | null): string {
  return `conflate_ms: must be an integer from 0 to ${MAX_CONFLATE_MS}, got "${String(raw).slice(0, 32)}"`;
}

/**
 * A reply's `conflation`, when any held topic is conflated (replies set absent fields to `undefined`, which
 * `JSON.stringify` leaves out, rather than spreading objects in: a request id is echoed only when there was one).
 */
export function conflationOf(s: Session): Record<string, number> | undefined {
  return s.conflate.size === 0 ? undefined : Object.fromEntries(s.conflate);
}

/** The state of a connection whose upgrade was just accepted. */
export function newSession(
  id: number,
  remote: string,
  params: URLSearchParams,
  limits: SessionLimits,
  now: number,
  principal: Principal | null = null,
): Session {
  const { maxMessageRate, maxBadFrames } = limits;
  const topics = params.get('topics');
  return {
    id,
    remote,
    state: 'admitted',
    held: new Set(),
    live: new Map(),
    conflate: new Map(),
    target: null,
    catchUp: null,
    principal,
    expiry: null,
    messages: new TokenBucket(maxMessageRate * 2, maxMessageRate, now),
    badFrames: new TokenBucket(maxBadFrames, maxBadFrames / 10, now),
    request: {
      topics: topics === null ? null : splitTopicList(topics),
      since: params.get('since'),
      epoch: params.get('epoch'),
      conflateMs: params.get('conflate_ms'),
    },
  };
}

/** Add topics to what is held; conflatable ones are conflated at `conflateMs` (0: not conflated). */
export function holdTopics(s: Session, topics: readonly string[], conflateMs: number): void {
  for (const t of topics) {
    s.held.add(t);
    if (conflateMs > 0 && conflatable(t)) s.conflate.set(t, conflationInterval(conflateMs));
  }
}

/** Is `e` delivered to this session through a conflated topic? */
export function conflatedFor(s: Session, e: PublishedEvent): boolean {
  if (s.conflate.has(e.family)) return true;
  if (e.key === null || s.held.has(e.family)) return false;
  return s.conflate.has(`${e.family}.${e.key}`);
}

/** The first frame of every connection and SSE stream: where the stream stands and what is on offer. */
export function welcomeFor(ctx: SessionContext, subscriptions: Iterable<string>): WelcomeMessage {
  return {
    event_type: 'welcome',
    message: WELCOME_MESSAGE,
    version: ctx.version,
    epoch: ctx.epoch(),
    sequence: ctx.history.sequence,
    oldest_sequence: ctx.history.oldest,
    topics: ctx.offeredTopics(),
    subscriptions: [...subscriptions],
  };
}
