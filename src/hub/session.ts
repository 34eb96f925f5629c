// One connection's session and the one place its state changes: admitted ──open──▶ catching_up (replaying `since`)
// ──▶ live ──▶ closing (no `since`: straight to live; a `resume` op goes back to catching_up). Decisions are pure
// functions (resumeVerdict, admitTopics, snapshotEvents, replay); frames go out through SessionOutput.
import type { ClosedBy } from '../metrics/hub-metrics.ts';
import { type ClientMessage, parseClientFrame, type RequestId } from '../protocol/client-messages.ts';
import { CloseCode, CloseReason } from '../protocol/codes.ts';
import { isoTimestamp, markSnapshot } from '../protocol/encode.ts';
import { DEFAULT_TOPICS } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { conflatedFrames, holdLatest } from './conflation.ts';
import type { Principal } from './principal.ts';
import { replay } from './replay.ts';
import { parseSince, type ResumeRefusal, resumeVerdict } from './resume-verdict.ts';
import { grantsOf, SessionCredentials } from './session-credentials.ts';
import { SessionOutput } from './session-output.ts';
import {
  conflatedFor,
  conflateMsError,
  conflationOf,
  holdTopics,
  newSession,
  parseConflateMs,
  type Session,
  type SessionContext,
  type Socket,
  welcomeFor,
} from './session-state.ts';
import { snapshotEvents, uncoveredTopics } from './snapshot.ts';
import { admitTopics, releaseTopics } from './topic-admission.ts';

export class Sessions {
  private nextId = 1;

  private readonly out: SessionOutput;
  private readonly credentials: SessionCredentials;

  constructor(private readonly ctx: SessionContext) {
    const close = (ws: Socket, code: number, reason: string, by: ClosedBy) => this.close(ws, code, reason, by);
    this.out = new SessionOutput(ctx, close);
    this.credentials = new SessionCredentials(ctx, this.out, close);
  }

  /** The state of a connection whose upgrade was just accepted (with the JWT it presented, if any). */
  admit(remote: string, params: URLSearchParams, principal: Principal | null = null): Session {
    return newSession(this.nextId++, remote, params, this.ctx.limits, this.ctx.now(), principal);
  }

  /** admitted → welcome → catching_up (with `since`) or live (with a snapshot). */
  open(ws: Socket): void {
    const s = ws.data;
    this.ctx.joined(ws);
    this.ctx.metrics.connectionOpened();
    s.target = { buffered: () => ws.getBufferedAmount(), send: (json) => void ws.send(json, this.ctx.compress) };
    const grants = grantsOf(s);
    // Without `?topics=` the defaults the token covers, silently: the client asked for nothing in particular.
    const requested = s.request.topics ?? DEFAULT_TOPICS.filter((t) => grants.coversName(t));
    const { accepted, errors } = admitTopics(s.held, requested, this.ctx.known, this.ctx.limits.maxTopics, grants);
    const conflateMs = parseConflateMs(s.request.conflateMs);
    holdTopics(s, accepted, conflateMs ?? 0);
    this.out.send(ws, welcomeFor(this.ctx, s.held));
    this.credentials.arm(ws);
    this.out.topicErrors(ws, errors);
    if (conflateMs === null) {
      this.out.send(ws, {
        event_type: 'error',
        code: 'invalid_message',
        message: conflateMsError(s.request.conflateMs),
      });
    }
    const raw = s.request.since;
    if (raw !== null) {
      const since = parseSince(raw);
      if (since !== null) return this.resume(ws, since, s.request.epoch, undefined);
      this.out.send(ws, {
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
      return this.out.reject(ws, 'binary_not_supported', 'binary frames are not accepted; send JSON text frames');
    const parsed = parseClientFrame(message);
    if (!parsed.ok) return this.out.reject(ws, parsed.code, parsed.message, parsed.id);
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
    this.credentials.disarm(s);
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
    this.out.send(ws, { event_type: 'shutdown', retry_after_ms: retryAfterMs });
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
        return this.out.send(ws, {
          event_type: 'pong',
          id,
          sequence: this.ctx.history.sequence,
          timestamp: isoTimestamp(Date.now()),
        });
      case 'list_subscriptions':
        return this.out.send(ws, {
          event_type: 'subscriptions',
          id,
          subscriptions: [...ws.data.held],
          conflation: conflationOf(ws.data),
        });
      case 'refresh':
        return this.credentials.refresh(ws, message.token, id);
    }
  }

  private subscribe(
    ws: Socket,
    topics: readonly string[],
    id: RequestId | undefined,
    conflateMs: number | undefined,
  ): void {
    const s = ws.data;
    const { accepted, errors } = admitTopics(s.held, topics, this.ctx.known, this.ctx.limits.maxTopics, grantsOf(s));
    this.out.topicErrors(ws, errors, id);
    if (accepted.length === 0) {
      if (topics.every((t) => s.held.has(t)))
        this.out.send(ws, {
          event_type: 'subscribed',
          id,
          topics: [],
          subscriptions: [...s.held],
          conflation: conflationOf(s),
        });
      return;
    }
    const needSnapshot = uncoveredTopics(s.held, accepted);
    holdTopics(s, accepted, conflateMs ?? parseConflateMs(s.request.conflateMs) ?? 0);
    this.out.send(ws, {
      event_type: 'subscribed',
      id,
      topics: accepted,
      subscriptions: [...s.held],
      conflation: conflationOf(s),
    });
    // While catching up, the replay delivers the new topics' events in order; the snapshot would repeat them.
    if (s.state === 'live') this.goLive(ws, needSnapshot);
  }

  private unsubscribe(ws: Socket, topics: readonly string[], id: RequestId | undefined): void {
    const s = ws.data;
    const { valid, error } = releaseTopics(topics);
    if (error !== null) this.out.topicErrors(ws, [error], id);
    const removed = valid.filter((t) => s.held.delete(t));
    for (const t of removed) s.conflate.delete(t);
    if (s.state === 'live') this.out.deliver(ws);
    this.out.send(ws, { event_type: 'unsubscribed', id, topics: removed, subscriptions: [...s.held] });
  }

  /** → live: native subscriptions for the held topics from the current head, then the snapshot of `snapshotTopics`. */
  private goLive(ws: Socket, snapshotTopics: Iterable<string>): void {
    const s = ws.data;
    s.state = 'live';
    s.catchUp = null;
    this.out.deliver(ws);
    for (const e of snapshotEvents(this.ctx.history, snapshotTopics)) ws.send(markSnapshot(e.json), this.ctx.compress);
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
      id,
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
    this.out.send(ws, {
      event_type: 'resume_failed',
      id,
      since,
      reason,
      oldest_sequence: h.oldest,
      sequence: h.sequence,
    });
    this.goLive(ws, ws.data.held);
  }

  /** Replay until caught up (→ live) or until a frame stays buffered (wait for drain). */
  private pump(ws: Socket): void {
    const s = ws.data;
    const c = s.catchUp;
    if (c === null) return;
    // A conflated topic's replay is its latest state per key: held back here and sent once the replay is done.
    const divert = (e: PublishedEvent) => {
      if (s.conflate.size === 0 || !conflatedFor(s, e)) return false;
      holdLatest(c.latest, this.ctx.history.stateOf(e));
      return true;
    };
    const status = replay(this.ctx.history, c, s.held, (json) => ws.send(json, this.ctx.compress), divert);
    if (status === 'paused') return;
    if (status === 'fell_behind') return this.refuseResume(ws, c.since, 'fell_behind', c.id);
    if (status === 'dropped') {
      this.ctx.metrics.slowConsumerClosed();
      return this.close(ws, CloseCode.TryAgainLater, CloseReason.slowConsumer, 'slow_consumer');
    }
    for (const frame of conflatedFrames(c.latest)) ws.send(frame, this.ctx.compress);
    s.state = 'live';
    s.catchUp = null;
    this.out.deliver(ws);
    this.ctx.metrics.resumeRequested('resumed', c.replayed);
    this.out.send(ws, {
      event_type: 'resumed',
      id: c.id,
      since: c.since,
      sequence: this.ctx.history.sequence,
      replayed: c.replayed,
    });
  }
}

export type { CatchUp, Session, SessionContext, SessionLimits, SessionState, Socket } from './session-state.ts';
