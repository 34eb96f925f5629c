// The WebSocket hub: subscriptions, snapshots, resume, fan-out through Bun's native pub/sub, slow-consumer closes.
import type { Server, ServerWebSocket, WebSocketHandler } from 'bun';
import { CloseCode, CloseReason, type ErrorCode } from '../protocol/codes.ts';
import { parseClientFrame, type ClientMessage } from '../protocol/client-messages.ts';
import { isoTimestamp, markSnapshot } from '../protocol/encode.ts';
import { WELCOME_MESSAGE } from '../protocol/server-messages.ts';
import { DEFAULT_TOPICS, TOPIC_FAMILIES, parseTopic, splitTopicList } from '../protocol/topics.ts';
import type { PublishedEvent } from '../protocol/worker-messages.ts';
import { frameReasonOf, type ClosedBy, type HubMetrics, type ResumeOutcome } from '../metrics/hub-metrics.ts';
import type { CatchUp, ConnectionData } from './connection.ts';
import { EventHistory } from './history.ts';
import { TokenBucket } from './rate-limit.ts';
import { NativeSubscriptions } from './native-subscriptions.ts';
import { replay } from './replay.ts';
import { checkTopic, collapseTopicErrors, eventTopics, wants } from './subscriptions.ts';

export type Socket = ServerWebSocket<ConnectionData>;

export interface HubOptions {
  version: string;
  history: number;
  symbols: readonly string[];
  maxTopics: number;
  maxMessageRate: number;
  maxBadFrames: number;
  maxPayloadBytes: number;
  sendBufferBytes: number;
  idleTimeoutS: number;
  metrics: HubMetrics;
  /** Milliseconds clock (injected for tests). */
  now?: () => number;
  log?: (line: string) => void;
}

interface TopicError {
  code: ErrorCode;
  message: string;
  topic: string;
  topics?: string[];
}

/** How long a backpressure signal may wait before the slow-consumer sweep runs. */
const SWEEP_DELAY_MS = 20;

export class Hub {
  readonly history: EventHistory;
  epoch = '';
  private server: Server<ConnectionData> | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly native = new NativeSubscriptions();
  private readonly symbols: Set<string>;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private sweepTimer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private offeredTopics: string[];
  /** What exists now, for topic validation (no allocation per connect). */
  private readonly known = {
    symbol: (key: string) => this.symbols.has(key),
    agent: (key: string) => this.history.has('agent', key),
  };
  /** Upgrades accepted whose `open` has not run yet, so the connection bound is exact. */
  pendingUpgrades = 0;
  closing = false;

  constructor(private readonly options: HubOptions) {
    this.history = new EventHistory(options.history);
    this.symbols = new Set(options.symbols);
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.log = options.log ?? ((line) => console.error(line));
    this.offeredTopics = this.computeOfferedTopics();
  }

  attach(server: Server<ConnectionData>): void {
    this.server = server;
  }

  /** Symbols change in replay mode (the CSV defines them). */
  setSymbols(symbols: readonly string[]): void {
    this.symbols.clear();
    for (const s of symbols) this.symbols.add(s);
    this.offeredTopics = this.computeOfferedTopics();
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Subscribers per family (connections holding the family or any of its narrow topics natively). */
  subscribersByFamily(): Record<string, number> {
    return this.native.byFamily();
  }

  /** Per-connection state for a new upgrade. */
  connectionData(remote: string, params: URLSearchParams): ConnectionData {
    const now = this.now();
    const topics = params.get('topics');
    return {
      id: this.nextId++,
      remote,
      held: new Set(),
      live: new Map(),
      catchUp: null,
      closing: false,
      messages: new TokenBucket(this.options.maxMessageRate * 2, this.options.maxMessageRate, now),
      badFrames: new TokenBucket(this.options.maxBadFrames, this.options.maxBadFrames / 10, now),
      initialTopics: topics === null ? null : splitTopicList(topics),
      initialSince: params.get('since'),
      initialEpoch: params.get('epoch'),
    };
  }

  /** Refill the resume history (journaled events from before a restart) without delivering anything. */
  preload(events: readonly PublishedEvent[]): void {
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
        const status = server.publish(topic, event.json, false);
        deliveries += n;
        if (status === 0) pressure = 2;
        else if (status === -1 && pressure === 0) pressure = 1;
      }
    }
    if (pressure === 2) this.sweep();
    else if (pressure === 1) this.scheduleSweep();
    this.options.metrics.eventPublished(event.family, deliveries, this.now() - event.created_at);
  }

  /** Close every socket so that clients reconnect and resume (their stream cannot continue as it was). */
  closeAllForResync(code: number, reason: string): void {
    for (const ws of this.sockets) this.close(ws, code, reason, 'error');
  }

  /** Close, with 1001, every socket (shutdown). */
  closeAll(code: number, reason: string): void {
    this.closing = true;
    for (const ws of this.sockets) this.close(ws, code, reason, 'shutdown');
  }

  /** Bun's websocket handler: the hub's limits and its callbacks, each guarded. */
  websocketHandler(): WebSocketHandler<ConnectionData> {
    return {
      maxPayloadLength: this.options.maxPayloadBytes,
      // Bun drops frames past this; our own bound (sendBufferBytes) closes the client first, with 1013.
      backpressureLimit: this.options.sendBufferBytes * 2 + 4 * 1024 * 1024,
      closeOnBackpressureLimit: false,
      idleTimeout: this.options.idleTimeoutS,
      sendPings: true,
      publishToSelf: false,
      perMessageDeflate: false,
      open: (ws) => this.guard(ws, () => this.onOpen(ws)),
      message: (ws, message) => this.guard(ws, () => this.onMessage(ws, message)),
      drain: (ws) => this.guard(ws, () => this.onDrain(ws)),
      close: (ws, code, reason) => this.guard(ws, () => this.onClose(ws, code, reason)),
    };
  }

  // ---- socket callbacks (each wrapped in guard: nothing may throw out of them) ----

  private guard(ws: Socket, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log(`lineage: connection ${ws.data?.id ?? '?'}: ${error instanceof Error ? error.message : String(error)}`);
      try {
        this.close(ws, CloseCode.InternalError, CloseReason.internal, 'error');
      } catch {
        // The socket is already gone; nothing else to do.
      }
    }
  }

  private onOpen(ws: Socket): void {
    if (this.pendingUpgrades > 0) this.pendingUpgrades--;
    this.sockets.add(ws);
    this.options.metrics.connectionOpened();
    const data = ws.data;
    const requested = data.initialTopics ?? [...DEFAULT_TOPICS];
    const { accepted, errors } = this.acceptTopics(ws, requested);
    for (const t of accepted) data.held.add(t);
    this.send(ws, {
      event_type: 'welcome',
      message: WELCOME_MESSAGE,
      version: this.options.version,
      epoch: this.epoch,
      sequence: this.history.sequence,
      oldest_sequence: this.history.oldest,
      topics: this.offeredTopics,
      subscriptions: [...data.held],
    });
    this.sendErrors(ws, errors);
    if (data.initialSince !== null) {
      const since = /^\d{1,15}$/.test(data.initialSince) ? Number(data.initialSince) : NaN;
      if (Number.isSafeInteger(since)) {
        this.startResume(ws, since, data.initialEpoch);
        return;
      }
      this.error(ws, 'invalid_since', `since: must be a non-negative integer sequence number, got "${data.initialSince.slice(0, 32)}"`);
    }
    this.goLive(ws);
    this.sendSnapshot(ws, [...data.held]);
  }

  private onMessage(ws: Socket, message: string | Buffer): void {
    const data = ws.data;
    if (data.closing) return;
    if (!data.messages.take(this.now())) {
      this.options.metrics.frameRejected('rate_limited');
      this.close(ws, CloseCode.PolicyViolation, CloseReason.rateLimited, 'policy');
      return;
    }
    if (typeof message !== 'string') {
      this.reject(ws, 'binary_not_supported', 'binary frames are not accepted; send JSON text frames');
      return;
    }
    const parsed = parseClientFrame(message);
    if (!parsed.ok) {
      this.reject(ws, parsed.code, parsed.message);
      return;
    }
    this.handle(ws, parsed.message);
  }

  private handle(ws: Socket, message: ClientMessage): void {
    switch (message.op) {
      case 'subscribe':
        return this.subscribe(ws, message.topics);
      case 'unsubscribe':
        return this.unsubscribe(ws, message.topics);
      case 'resume':
        return this.startResume(ws, message.since, message.epoch ?? null);
      case 'ping':
        this.send(ws, { event_type: 'pong', ...(message.id !== undefined ? { id: message.id } : {}), sequence: this.history.sequence, timestamp: isoTimestamp(Date.now()) });
        return;
    }
  }

  private onDrain(ws: Socket): void {
    if (ws.data.catchUp !== null && !ws.data.closing) this.pump(ws);
  }

  private onClose(ws: Socket, code: number, reason: string): void {
    const data = ws.data;
    // Bun closes over-size frames itself (the client sees 1009).
    if (!data.closing && (code === CloseCode.MessageTooBig || /too big/i.test(reason))) this.options.metrics.frameRejected('too_big');
    const wasKnown = this.sockets.delete(ws);
    this.native.drop(ws, false);
    data.catchUp = null;
    if (wasKnown) this.options.metrics.connectionClosed(data.closing ? (data.closedBy ?? 'client') : 'client');
    data.closing = true;
  }

  // ---- subscriptions ----

  /**
   * Validate requested topics against what exists now; returns the new topics to hold and the errors to send: at most
   * one `unknown_topic` frame (naming every bad topic, bounded) and one `too_many_topics`, however long the request.
   */
  private acceptTopics(ws: Socket, requested: readonly string[]): { accepted: string[]; errors: TopicError[] } {
    const data = ws.data;
    const accepted: string[] = [];
    const errors: TopicError[] = [];
    const bad: { topic: string; message: string }[] = [];
    const known = this.known;
    for (const topic of requested) {
      const check = checkTopic(topic, known);
      if (!check.ok) {
        bad.push({ topic, message: check.message });
        continue;
      }
      if (!data.held.has(topic) && !accepted.includes(topic)) accepted.push(topic);
    }
    const unknown = collapseTopicErrors(bad);
    if (unknown !== null) {
      errors.push(unknown);
      this.options.metrics.frameRejected('unknown_topic');
    }
    if (data.held.size + accepted.length > this.options.maxTopics) {
      errors.push({
        code: 'too_many_topics',
        message: `subscribing to ${accepted.length} more topic(s) would exceed the limit of ${this.options.maxTopics} per connection`,
        topic: accepted.join(',').slice(0, 80),
      });
      this.options.metrics.frameRejected('too_many_topics');
      accepted.length = 0;
    }
    return { accepted, errors };
  }

  /** Send a request's topic errors; a request with errors counts as one bad frame against the connection's budget. */
  private sendErrors(ws: Socket, errors: readonly TopicError[]): void {
    if (errors.length === 0) return;
    for (const e of errors) this.send(ws, { event_type: 'error', ...e });
    if (!ws.data.badFrames.take(this.now())) this.close(ws, CloseCode.PolicyViolation, CloseReason.tooManyBadFrames, 'policy');
  }

  private subscribe(ws: Socket, topics: readonly string[]): void {
    const data = ws.data;
    const { accepted, errors } = this.acceptTopics(ws, topics);
    this.sendErrors(ws, errors);
    if (accepted.length === 0) {
      if (topics.every((t) => data.held.has(t))) this.send(ws, { event_type: 'subscribed', topics: [], subscriptions: [...data.held] });
      return;
    }
    const coveredBefore = new Set(accepted.filter((t) => wants(data.held, t.split('.', 1)[0] as string, t.includes('.') ? t.slice(t.indexOf('.') + 1) : null)));
    for (const t of accepted) data.held.add(t);
    if (data.catchUp === null) this.goLive(ws);
    this.send(ws, { event_type: 'subscribed', topics: accepted, subscriptions: [...data.held] });
    if (data.catchUp === null) this.sendSnapshot(ws, accepted.filter((t) => !coveredBefore.has(t)));
  }

  private unsubscribe(ws: Socket, topics: readonly string[]): void {
    const data = ws.data;
    const removed: string[] = [];
    const bad: { topic: string; message: string }[] = [];
    for (const topic of topics) {
      if (parseTopic(topic) === null) bad.push({ topic, message: `unknown topic "${String(topic).slice(0, 80)}"` });
      else if (data.held.delete(topic)) removed.push(topic);
    }
    const unknown = collapseTopicErrors(bad);
    if (unknown !== null) {
      this.options.metrics.frameRejected('unknown_topic');
      this.sendErrors(ws, [unknown]);
    }
    if (data.catchUp === null) this.goLive(ws);
    this.send(ws, { event_type: 'unsubscribed', topics: removed, subscriptions: [...data.held] });
  }

  /** Deliver live from now on: native subscriptions for the held topics. */
  private goLive(ws: Socket): void {
    this.native.apply(ws, this.history.sequence);
  }

  /** The latest event of each symbol/agent under `topics`, marked `"snapshot": true`. */
  private sendSnapshot(ws: Socket, topics: readonly string[]): void {
    const seen = new Set<number>();
    const events: PublishedEvent[] = [];
    for (const topic of topics) {
      const parsed = parseTopic(topic);
      if (parsed === null) continue;
      const found = parsed.family === 'arena' ? [this.history.latestArena()].filter((e) => e !== undefined) : this.history.latestFor(parsed.family, parsed.key);
      for (const e of found) if (!seen.has(e.sequence)) (seen.add(e.sequence), events.push(e));
    }
    events.sort((a, b) => a.sequence - b.sequence);
    for (const e of events) ws.send(markSnapshot(e.json));
  }

  // ---- resume ----

  private startResume(ws: Socket, since: number, epoch: string | null): void {
    const data = ws.data;
    const head = this.history.sequence;
    let failure: ResumeOutcome | null = null;
    if (epoch !== null && epoch !== this.epoch) failure = 'epoch_mismatch';
    else if (since > head) failure = 'ahead';
    else if (!this.history.covers(since)) failure = 'too_old';
    if (failure !== null) return this.failResume(ws, since, failure);
    const catchUp: CatchUp = { since, cursor: since, until: head, liveSince: new Map(data.live), replayed: 0 };
    // Stop live delivery while replaying so every frame arrives in sequence order.
    this.native.drop(ws);
    data.catchUp = catchUp;
    this.pump(ws);
  }

  private failResume(ws: Socket, since: number, reason: Exclude<ResumeOutcome, 'resumed'>): void {
    const data = ws.data;
    data.catchUp = null;
    this.options.metrics.resumeRequested(reason, 0);
    this.send(ws, { event_type: 'resume_failed', since, reason, oldest_sequence: this.history.oldest, sequence: this.history.sequence });
    this.goLive(ws);
    this.sendSnapshot(ws, [...data.held]);
  }

  /** Replay history to a resuming socket until it is caught up or its buffer is full (then wait for drain). */
  private pump(ws: Socket): void {
    const data = ws.data;
    const c = data.catchUp;
    if (c === null) return;
    const half = this.options.sendBufferBytes / 2;
    const status = replay(this.history, c, data.held, (json) => ws.send(json), () => ws.getBufferedAmount() > half);
    if (status === 'paused') return;
    if (status === 'fell_behind') return this.failResume(ws, c.since, 'fell_behind');
    if (status === 'dropped') return this.closeSlow(ws);
    data.catchUp = null;
    this.goLive(ws);
    this.options.metrics.resumeRequested('resumed', c.replayed);
    this.send(ws, { event_type: 'resumed', since: c.since, sequence: this.history.sequence, replayed: c.replayed });
  }

  // ---- slow consumers ----

  private scheduleSweep(): void {
    if (this.sweepTimer !== null) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      this.sweep();
    }, SWEEP_DELAY_MS);
  }

  /** Close every socket whose send buffer is over the bound; it resumes with `since` and loses nothing. */
  sweep(): void {
    const limit = this.options.sendBufferBytes;
    for (const ws of this.sockets) {
      if (!ws.data.closing && ws.data.catchUp === null && ws.getBufferedAmount() > limit) this.closeSlow(ws);
    }
  }

  private closeSlow(ws: Socket): void {
    if (ws.data.closing) return;
    this.options.metrics.slowConsumerClosed();
    this.close(ws, CloseCode.TryAgainLater, CloseReason.slowConsumer, 'slow_consumer');
  }

  // ---- helpers ----

  private reject(ws: Socket, code: Exclude<ErrorCode, 'internal_error'>, message: string): void {
    this.options.metrics.frameRejected(frameReasonOf(code));
    this.error(ws, code, message);
    if (!ws.data.badFrames.take(this.now())) this.close(ws, CloseCode.PolicyViolation, CloseReason.tooManyBadFrames, 'policy');
  }

  private error(ws: Socket, code: ErrorCode, message: string, topic?: string): void {
    this.send(ws, { event_type: 'error', code, message, ...(topic !== undefined ? { topic: String(topic).slice(0, 80) } : {}) });
  }

  private send(ws: Socket, message: object): void {
    if (!ws.data.closing) ws.send(JSON.stringify(message));
  }

  private close(ws: Socket, code: number, reason: string, by: ClosedBy): void {
    const data = ws.data;
    if (data.closing) return;
    data.closing = true;
    data.closedBy = by;
    ws.close(code, reason);
  }

  private computeOfferedTopics(): string[] {
    return [...TOPIC_FAMILIES, ...[...this.symbols].map((s) => `market.${s}`)];
  }
}
