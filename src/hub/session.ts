// One connection's session: the state it carries in `ws.data`, and the one place that state changes.
//   admitted ──open──▶ catching_up (replaying `since`) ──caught up──▶ live ──close──▶ closing
//                 └────────────── no `since` ──────────────────────────┘
// A live session may go back to catching_up (`resume` op); any state may go to closing. Decisions are pure functions
// (resumeVerdict, admitTopics, snapshotEvents, replay); this module applies them and writes the frames.
import { type ClosedBy, frameReasonOf } from '../metrics/hub-metrics.ts';
import {
  type ClientMessage,
  type FrameErrorCode,
  parseClientFrame,
  type RequestId,
} from '../protocol/client-messages.ts';
import { CloseCode, CloseReason } from '../protocol/codes.ts';
import { isoTimestamp, markSnapshot } from '../protocol/encode.ts';
import { type ServerMessage, WELCOME_MESSAGE } from '../protocol/server-messages.ts';
import { DEFAULT_TOPICS, splitTopicList } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { conflatable, conflatedFrames, conflationInterval, holdLatest } from './conflation.ts';
import { TokenBucket } from './rate-limit.ts';
import { replay } from './replay.ts';
import { parseSince, type ResumeRefusal, resumeVerdict } from './resume-verdict.ts';
import {
  conflationOf,
  echo,
  parseConflateMs,
  type Session,
  type SessionContext,
  type Socket,
} from './session-state.ts';
import { snapshotEvents, uncoveredTopics } from './snapshot.ts';
import { nativeTopics } from './subscriptions.ts';
import { admitTopics, releaseTopics, type TopicError } from './topic-admission.ts';

export class Sessions {
  private nextId = 1;

  constructor(private readonly ctx: SessionContext) {}

  /** The state of a connection whose upgrade was just accepted. */
  admit(remote: string, params: URLSearchParams): Session {
    const now = this.ctx.now();
    const { maxMessageRate, maxBadFrames } = this.ctx.limits;
    const topics = params.get('topics');
    return {
      id: this.nextId++,
      remote,
      state: 'admitted',
      held: new Set(),
      live: new Map(),
      conflate: new Map(),
      target: null,
      catchUp: null,
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

  /** admitted → welcome → catching_up (with `since`) or live (with a snapshot). */
  open(ws: Socket): void {
    const s = ws.data;
    this.ctx.joined(ws);
    this.ctx.metrics.connectionOpened();
    s.target = { buffered: () => ws.getBufferedAmount(), send: (json) => void ws.send(json, this.ctx.compress) };
    const { accepted, errors } = admitTopics(
      s.held,
      s.request.topics ?? DEFAULT_TOPICS,
      this.ctx.known,
      this.ctx.limits.maxTopics,
    );
    const conflateMs = parseConflateMs(s.request.conflateMs);
    this.hold(s, accepted, conflateMs ?? 0);
    const h = this.ctx.history;
    this.send(ws, {
      event_type: 'welcome',
      message: WELCOME_MESSAGE,
      version: this.ctx.version,
      epoch: this.ctx.epoch(),
      sequence: h.sequence,
      oldest_sequence: h.oldest,
      topics: this.ctx.offeredTopics(),
      subscriptions: [...s.held],
    });
    this.topicErrors(ws, errors);
    if (conflateMs === null) {
      this.send(ws, {
        event_type: 'error',
        code: 'invalid_message',
        message: `conflate_ms: must be an integer from 0 to 60000, got "${String(s.request.conflateMs).slice(0, 32)}"`,
      });
    }
    const raw = s.request.since;
    if (raw !== null) {
      const since = parseSince(raw);
      if (since !== null) return this.resume(ws, since, s.request.epoch, undefined);
      this.send(ws, {
        event_type: 'error',
        code: 'invalid_since',
        message: `since: must be a non-negative integer sequence number, got "${raw.slice(0, 32)}"`,
      });
    }
    this.goLive(ws, s.held);
  }

  /** A client frame: rate-limited, parsed against the schemas, then handled. */
  frame(ws: Socket, message: string | Buffer): void {
    const s = ws.data;
    if (s.state === 'closing') return;
    if (!s.messages.take(this.ctx.now())) {
      this.ctx.metrics.frameRejected('rate_limited');
      return this.close(ws, CloseCode.PolicyViolation, CloseReason.rateLimited, 'policy');
    }
    if (typeof message !== 'string')
      return this.reject(ws, 'binary_not_supported', 'binary frames are not accepted; send JSON text frames');
    const parsed = parseClientFrame(message);
    if (!parsed.ok) return this.reject(ws, parsed.code, parsed.message, parsed.id);
    this.handle(ws, parsed.message);
  }

  /** The socket's buffer drained: continue a replay. */
  drain(ws: Socket): void {
    if (ws.data.state === 'catching_up') this.pump(ws);
  }

  /** The socket is gone (closed by either side). */
  closed(ws: Socket, code: number, reason: string): void {
    const s = ws.data;
    // Bun closes over-size frames itself (the client sees 1009).
    if (s.state !== 'closing' && (code === CloseCode.MessageTooBig || /too big/i.test(reason)))
      this.ctx.metrics.frameRejected('too_big');
    const wasKnown = this.ctx.left(ws);
    this.ctx.native.drop(ws, false);
    if (s.target !== null) this.ctx.conflator.drop(s.target);
    s.catchUp = null;
    if (wasKnown) this.ctx.metrics.connectionClosed(s.state === 'closing' ? (s.closedBy ?? 'client') : 'client');
    s.state = 'closing';
  }

  /** Any state → closing, once. */
  close(ws: Socket, code: number, reason: string, by: ClosedBy): void {
    const s = ws.data;
    if (s.state === 'closing') return;
    s.state = 'closing';
    s.closedBy = by;
    s.catchUp = null;
    ws.close(code, reason);
  }

  /** The server is stopping: the notice first, then 1001. */
  shutdown(ws: Socket, retryAfterMs: number): void {
    this.send(ws, { event_type: 'shutdown', retry_after_ms: retryAfterMs });
    this.close(ws, CloseCode.GoingAway, CloseReason.shutdown, 'shutdown');
  }

  private handle(ws: Socket, message: ClientMessage): void {
    const id = message.id;
    switch (message.op) {
      case 'subscribe':
        return this.subscribe(ws, message.topics, id, message.conflate_ms);
      case 'unsubscribe':
        return this.unsubscribe(ws, message.topics, id);
      case 'resume':
        return this.resume(ws, message.since, message.epoch ?? null, id);
      case 'ping':
        return this.send(ws, {
          event_type: 'pong',
          ...echo(id),
          sequence: this.ctx.history.sequence,
          timestamp: isoTimestamp(Date.now()),
        });
      case 'list_subscriptions':
        return this.send(ws, {
          event_type: 'subscriptions',
          ...echo(id),
          subscriptions: [...ws.data.held],
          ...conflationOf(ws.data),
        });
    }
  }

  private subscribe(
    ws: Socket,
    topics: readonly string[],
    id: RequestId | undefined,
    conflateMs: number | undefined,
  ): void {
    const s = ws.data;
    const { accepted, errors } = admitTopics(s.held, topics, this.ctx.known, this.ctx.limits.maxTopics);
    this.topicErrors(ws, errors, id);
    if (accepted.length === 0) {
      if (topics.every((t) => s.held.has(t)))
        this.send(ws, {
          event_type: 'subscribed',
          ...echo(id),
          topics: [],
          subscriptions: [...s.held],
          ...conflationOf(s),
        });
      return;
    }
    const needSnapshot = uncoveredTopics(s.held, accepted);
    this.hold(s, accepted, conflateMs ?? parseConflateMs(s.request.conflateMs) ?? 0);
    this.send(ws, {
      event_type: 'subscribed',
      ...echo(id),
      topics: accepted,
      subscriptions: [...s.held],
      ...conflationOf(s),
    });
    // While catching up, the replay delivers the new topics' events in order; the snapshot would repeat them.
    if (s.state === 'live') this.goLive(ws, needSnapshot);
  }

  private unsubscribe(ws: Socket, topics: readonly string[], id: RequestId | undefined): void {
    const s = ws.data;
    const { valid, error } = releaseTopics(topics);
    if (error !== null) this.topicErrors(ws, [error], id);
    const removed = valid.filter((t) => s.held.delete(t));
    for (const t of removed) s.conflate.delete(t);
    if (s.state === 'live') this.deliver(ws);
    this.send(ws, { event_type: 'unsubscribed', ...echo(id), topics: removed, subscriptions: [...s.held] });
  }

  /** → live: native subscriptions for the held topics from the current head, then the snapshot of `snapshotTopics`. */
  private goLive(ws: Socket, snapshotTopics: Iterable<string>): void {
    const s = ws.data;
    s.state = 'live';
    s.catchUp = null;
    this.deliver(ws);
    for (const e of snapshotEvents(this.ctx.history, snapshotTopics)) ws.send(markSnapshot(e.json), this.ctx.compress);
  }

  /** Add topics to what is held; conflatable ones are conflated at `conflateMs` (0: not conflated). */
  private hold(s: Session, topics: readonly string[], conflateMs: number): void {
    for (const t of topics) {
      s.held.add(t);
      if (conflateMs > 0 && conflatable(t)) s.conflate.set(t, conflationInterval(conflateMs));
    }
  }

  /** Live delivery for what is held: native topics for the loss-free ones, the conflator for the conflated ones. */
  private deliver(ws: Socket): void {
    const s = ws.data;
    this.ctx.native.apply(ws, this.ctx.history.sequence);
    if (s.target === null) return;
    const conflated = new Map<string, number>();
    for (const t of nativeTopics(s.held)) {
      const ms = s.conflate.get(t);
      if (ms !== undefined) conflated.set(t, ms);
    }
    this.ctx.conflator.apply(s.target, conflated);
  }

  /** → catching_up when `since` can be honoured; otherwise resume_failed, then live with a snapshot of what is held. */
  private resume(ws: Socket, since: number, epoch: string | null, id: RequestId | undefined): void {
    const s = ws.data;
    const h = this.ctx.history;
    const refusal = resumeVerdict({ epoch: this.ctx.epoch(), head: h.sequence, oldest: h.oldest }, since, epoch);
    if (refusal !== null) return this.refuseResume(ws, since, refusal, id);
    s.catchUp = {
      since,
      cursor: since,
      until: h.sequence,
      liveSince: new Map(s.live),
      replayed: 0,
      latest: new Map(),
      ...echo(id),
    };
    s.state = 'catching_up';
    // No live delivery while replaying, so every frame arrives in sequence order.
    this.ctx.native.drop(ws);
    if (s.target !== null) this.ctx.conflator.drop(s.target);
    this.pump(ws);
  }

  private refuseResume(
    ws: Socket,
    since: number,
    reason: ResumeRefusal | 'fell_behind',
    id: RequestId | undefined,
  ): void {
    const h = this.ctx.history;
    this.ctx.metrics.resumeRequested(reason, 0);
    this.send(ws, {
      event_type: 'resume_failed',
      ...echo(id),
      since,
      reason,
      oldest_sequence: h.oldest,
      sequence: h.sequence,
    });
    this.goLive(ws, ws.data.held);
  }

  /** Replay until caught up (→ live) or the buffer is half full (wait for drain). */
  private pump(ws: Socket): void {
    const s = ws.data;
    const c = s.catchUp;
    if (c === null) return;
    const half = this.ctx.limits.sendBufferBytes / 2;
    // A conflated topic's replay is its latest state per key: held back here and sent once the replay is done.
    const divert = (e: PublishedEvent) => {
      if (s.conflate.size === 0 || !this.conflated(s, e)) return false;
      holdLatest(c.latest, e);
      return true;
    };
    const status = replay(
      this.ctx.history,
      c,
      s.held,
      (json) => ws.send(json, this.ctx.compress),
      () => ws.getBufferedAmount() > half,
      divert,
    );
    if (status === 'paused') return;
    if (status === 'fell_behind') return this.refuseResume(ws, c.since, 'fell_behind', c.id);
    if (status === 'dropped') {
      this.ctx.metrics.slowConsumerClosed();
      return this.close(ws, CloseCode.TryAgainLater, CloseReason.slowConsumer, 'slow_consumer');
    }
    for (const frame of conflatedFrames(c.latest)) ws.send(frame, this.ctx.compress);
    s.state = 'live';
    s.catchUp = null;
    this.deliver(ws);
    this.ctx.metrics.resumeRequested('resumed', c.replayed);
    this.send(ws, {
      event_type: 'resumed',
      ...echo(c.id),
      since: c.since,
      sequence: this.ctx.history.sequence,
      replayed: c.replayed,
    });
  }

  /** Is `e` delivered to this session through a conflated topic? */
  private conflated(s: Session, e: PublishedEvent): boolean {
    if (s.conflate.has(e.family)) return true;
    if (e.key === null || s.held.has(e.family)) return false;
    return s.conflate.has(`${e.family}.${e.key}`);
  }

  /** A request's topic errors; a request with errors counts as one bad frame against the connection's budget. */
  private topicErrors(ws: Socket, errors: readonly TopicError[], id?: RequestId): void {
    if (errors.length === 0) return;
    for (const e of errors) {
      this.ctx.metrics.frameRejected(e.code);
      this.send(ws, { event_type: 'error', ...echo(id), ...e });
    }
    this.spendBadFrame(ws);
  }

  private reject(ws: Socket, code: FrameErrorCode | 'binary_not_supported', message: string, id?: RequestId): void {
    this.ctx.metrics.frameRejected(frameReasonOf(code));
    this.send(ws, { event_type: 'error', ...echo(id), code, message });
    this.spendBadFrame(ws);
  }

  private spendBadFrame(ws: Socket): void {
    if (!ws.data.badFrames.take(this.ctx.now()))
      this.close(ws, CloseCode.PolicyViolation, CloseReason.tooManyBadFrames, 'policy');
  }

  /** Every control frame goes through here, typed by the protocol's schemas. */
  private send(ws: Socket, message: ServerMessage): void {
    if (ws.data.state !== 'closing') ws.send(JSON.stringify(message), this.ctx.compress);
  }
}

export type { CatchUp, Session, SessionContext, SessionLimits, SessionState, Socket } from './session-state.ts';
