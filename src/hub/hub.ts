// The hub: the registry of sockets, fan-out of each event through Bun's native pub/sub (one string for every
// subscriber), the stream's position (epoch, head, symbols) and the slow-consumer sweep. A connection's own life is in
// session.ts.
import type { Server, WebSocketHandler } from 'bun';
import type { Config } from '../config.ts';
import { describeError } from '../lib/describe-error.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import { CloseCode, CloseReason } from '../protocol/codes.ts';
import type { TopicGrants } from '../protocol/credentials.ts';
import type { StreamOrigin } from '../protocol/stream-origin.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { Conflator } from './conflation.ts';
import { EventHistory } from './history.ts';
import { NativeSubscriptions } from './native-subscriptions.ts';
import { type Principal, subLabel, type VerifyToken } from './principal.ts';
import { type Session, type SessionContext, Sessions, type Socket } from './session.ts';
import { welcomeFor } from './session-state.ts';
import { type SseRequest, type SseSink, SseStreams } from './sse-streams.ts';
import { eventTopics } from './subscriptions.ts';
import { admitTopics, type TopicError } from './topic-admission.ts';
import { TopicOffer } from './topic-offer.ts';
import { websocketHandler } from './websocket-handler.ts';

export type { Socket } from './session.ts';

export type HubOptions = Pick<
  Config,
  | 'history'
  | 'symbols'
  | 'maxTopics'
  | 'maxMessageRate'
  | 'maxBadFrames'
  | 'maxPayloadBytes'
  | 'sendBufferBytes'
  | 'idleTimeoutS'
> &
  Partial<Pick<Config, 'compression' | 'tokenRefreshWindowS'>> & {
    version: string;
    /** Checks the token of a `refresh` op (set when the server takes JWTs). */
    verifyToken?: VerifyToken;
    metrics: HubMetrics;
    /** Milliseconds clock (injected for tests). */
    now?: () => number;
    /** How often idle SSE streams get a comment line (default 15 s). */
    sseHeartbeatMs?: number;
    log?: (line: string) => void;
  };

export type { StreamOrigin } from '../protocol/stream-origin.ts';

/** How long a backpressure signal may wait before the slow-consumer sweep runs. */
const SWEEP_DELAY_MS = 20;
/**
 * The sweep also runs on its own this often (a topic publish does not report one slow subscriber among many), when
 * something was published since the last one: a buffer grows only by what is written to it, so an idle or
 * once-a-second stream does not pay a buffer check per socket four times a second.
 */
const SWEEP_EVERY_MS = 250;
/** A comment line this often keeps idle SSE streams open through proxies. */
const SSE_HEARTBEAT_MS = 15_000;

export class Hub {
  readonly history: EventHistory;
  /** True once shutdown began: no new upgrades, every socket is being closed. */
  closing = false;
  private epochValue = '';
  private server: Server<Session> | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly native = new NativeSubscriptions();
  private readonly offer: TopicOffer;
  private readonly sessions: Sessions;
  private readonly context: SessionContext;
  private readonly sse: SseStreams;
  private readonly conflator: Conflator;
  private sseHeartbeat: ReturnType<typeof setInterval> | null = null;
  /** Which symbols, agents and families exist now (topic checks, REST lookups). */
  readonly known: SessionContext['known'];
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private readonly compress: boolean;
  private sweepTimer: ReturnType<typeof setTimeout> | null = null;
  private sweepEvery: ReturnType<typeof setInterval> | null = null;
  private published = false;
  /** Sweeps run so far (each checks every live socket's send buffer). */
  sweeps = 0;

  constructor(private readonly options: HubOptions) {
    this.history = new EventHistory(options.history);
    this.log = options.log ?? ((line) => console.error(line));
    this.offer = new TopicOffer(options.symbols, (key) => this.history.has('agent', key));
    this.known = this.offer.known;
    const now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.now = now;
    this.compress = (options.compression ?? 'off') !== 'off';
    this.conflator = new Conflator(options.sendBufferBytes / 2);
    const context: SessionContext = {
      version: options.version,
      limits: options,
      compress: (options.compression ?? 'off') !== 'off',
      history: this.history,
      native: this.native,
      conflator: this.conflator,
      metrics: options.metrics,
      known: this.known,
      refreshWindowMs: (options.tokenRefreshWindowS ?? 30) * 1000,
      verifyToken: options.verifyToken,
      guard: (ws, fn) => this.guard(ws, fn),
      log: this.log,
      epoch: () => this.epochValue,
      offeredTopics: () => this.offer.topics,
      now,
      joined: (ws) => void this.sockets.add(ws),
      left: (ws) => this.sockets.delete(ws),
    };
    this.context = context;
    this.sessions = new Sessions(context);
    this.sse = new SseStreams({
      history: this.history,
      metrics: options.metrics,
      sendBufferBytes: options.sendBufferBytes,
      conflator: this.conflator,
      refreshWindowMs: context.refreshWindowMs,
      epoch: () => this.epochValue,
    });
  }

  get epoch(): string {
    return this.epochValue;
  }

  /** The newest sequence published (or adopted). */
  get sequence(): number {
    return this.history.sequence;
  }

  /**
   * The one entry through which an upstream says where the stream stands. A new epoch, or a `resync` the upstream
   * asks for (a gap, a history that changed), means clients cannot continue as they were: the resume ring is cleared
   * (the latest state stays unless `latest` replaces it) and every client is closed with 1013 to resume.
   */
  adopt(origin: StreamOrigin): void {
    const newEpoch = this.epochValue !== '' && origin.epoch !== this.epochValue;
    const resync = origin.resync ?? (newEpoch ? CloseReason.historyChanged : null);
    this.epochValue = origin.epoch;
    const h = this.history;
    if (origin.history !== undefined) {
      h.reset(origin.history[0] !== undefined ? origin.history[0].sequence - 1 : origin.head);
      this.preload(origin.history);
    } else if (resync !== null) h.clearRing(origin.head);
    else h.resetHead(origin.head);
    if (origin.latest !== undefined && origin.latest.length > 0) {
      if (origin.history !== undefined) h.mergeLatest(origin.latest);
      else h.replaceLatest(origin.latest);
    }
    this.offer.set(origin.symbols, origin.families);
    if (resync !== null) this.closeAllForResync(CloseCode.TryAgainLater, resync);
  }

  /** How many events the resume ring holds (what an upstream should load into `adopt`'s `history`). */
  get historyCapacity(): number {
    return this.history.capacity;
  }

  attach(server: Server<Session>): void {
    this.server = server;
    this.sweepEvery ??= setInterval(() => this.published && this.sweep(), SWEEP_EVERY_MS);
    this.sweepEvery.unref?.();
  }

  /** Open WebSocket connections. */
  get connections(): number {
    return this.sockets.size;
  }

  /** Open SSE streams. */
  get sseStreams(): number {
    return this.sse.size;
  }

  /** Validate the topics of an SSE request (it has no ops, so errors refuse the request). */
  sseTopics(requested: readonly string[], grants?: TopicGrants): { accepted: string[]; errors: TopicError[] } {
    return admitTopics(new Set(), requested, this.known, this.options.maxTopics, grants);
  }

  /** Serve one SSE stream into `sink` until it ends: welcome, replay or snapshot, then live events. */
  openSse(sink: SseSink, request: SseRequest): void {
    this.sseHeartbeat ??= setInterval(() => this.sse.heartbeat(), this.options.sseHeartbeatMs ?? SSE_HEARTBEAT_MS);
    this.sseHeartbeat.unref?.();
    const welcome = welcomeFor(this.context, request.topics);
    void this.sse
      .open(sink, request, welcome)
      .catch((error: unknown) => this.log(`lineage: sse stream: ${describeError(error)}`));
  }

  /** The SSE client went away. */
  sseGone(sink: SseSink): void {
    this.sse.gone(sink);
  }

  /** Subscribers per family (connections holding the family or any of its narrow topics natively). */
  subscribersByFamily(): Record<string, number> {
    return this.native.byFamily();
  }

  /** The session state of an upgrade being accepted (`ws.data`), with the JWT it presented. */
  admit(remote: string, params: URLSearchParams, principal: Principal | null = null): Session {
    return this.sessions.admit(remote, params, principal);
  }

  /** Refill the resume history (journaled events from before a restart) without delivering anything. */
  private preload(events: readonly PublishedEvent[]): void {
    for (const e of events) this.history.append(e);
  }

  /** Hand one event to every subscriber: one native publish per topic, the same string for all. */
  publish(event: PublishedEvent): void {
    if (!this.history.append(event)) return;
    const server = this.server;
    let deliveries = 0;
    let pressure = 0;
    if (server !== null) {
      for (const topic of eventTopics(event.family, event.key)) {
        const n = this.native.count(topic);
        if (n === 0) continue;
        const status = server.publish(topic, event.json, this.compress);
        deliveries += n;
        this.published = true;
        if (status === 0) pressure = 2;
        else if (status === -1 && pressure === 0) pressure = 1;
      }
    }
    if (this.sse.size > 0) deliveries += this.sse.deliver(event);
    // Conflation keeps each key's state: for a book, its snapshot rather than the delta.
    if (this.conflator.size > 0) this.conflator.offer(this.history.stateOf(event));
    if (pressure === 2) this.sweep();
    else if (pressure === 1) this.scheduleSweep();
    this.options.metrics.eventPublished(event.family, deliveries, this.now() - event.created_at);
  }

  /** Close every socket so that clients reconnect and resume (their stream cannot continue as it was). */
  closeAllForResync(code: number, reason: string): void {
    for (const ws of this.sockets) this.sessions.close(ws, code, reason, 'error');
  }

  /**
   * Shutdown: refuse new upgrades, tell every client when to come back (`shutdown` with `retry_after_ms`), then close
   * it with 1001.
   */
  closeAll(retryAfterMs: number): void {
    this.closing = true;
    for (const ws of this.sockets) this.sessions.shutdown(ws, retryAfterMs);
    this.sse.shutdown(retryAfterMs);
    if (this.sseHeartbeat !== null) clearInterval(this.sseHeartbeat);
    if (this.sweepEvery !== null) clearInterval(this.sweepEvery);
    this.conflator.stop();
  }

  /** Bun's websocket handler: the hub's limits and the session transitions, each guarded. */
  websocketHandler(): WebSocketHandler<Session> {
    return websocketHandler(this.options, this.sessions, (ws, fn) => this.guard(ws, fn));
  }

  /** Close every socket whose send buffer is over the bound; it resumes with `since` and loses nothing. */
  sweep(): void {
    this.published = false;
    this.sweeps++;
    const limit = this.options.sendBufferBytes;
    for (const ws of this.sockets) {
      if (ws.data.state === 'live' && ws.getBufferedAmount() > limit) {
        this.options.metrics.slowConsumerClosed();
        this.sessions.close(ws, CloseCode.TryAgainLater, CloseReason.slowConsumer, 'slow_consumer');
      }
    }
  }

  private scheduleSweep(): void {
    if (this.sweepTimer !== null) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      this.sweep();
    }, SWEEP_DELAY_MS);
  }

  /** Nothing may throw out of a socket callback: in Bun that would end the process. */
  private guard(ws: Socket, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log(
        `lineage: connection ${ws.data?.id ?? '?'}${subLabel(ws.data?.principal ?? null)}: ${describeError(error)}`,
      );
      try {
        this.sessions.close(ws, CloseCode.InternalError, CloseReason.internal, 'error');
      } catch {
        // The socket is already gone; nothing else to do.
      }
    }
  }
}
