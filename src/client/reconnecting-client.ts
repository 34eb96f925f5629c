// A runtime-neutral Lineage client (global WebSocket only): topics, reconnect with backoff, exact resume with `since`.

import { describeError } from '../lib/describe-error.ts';
import type { ClientMessage } from '../protocol/index.ts';
import { CloseCode, CloseReason, DEFAULT_TOPICS } from '../protocol/index.ts';
import { type BackoffOptions, DEFAULT_BACKOFF, reconnectDelay, reconnectsAtOnce } from './backoff.ts';
import type {
  ClientEvent,
  ClientStats,
  ConnectionState,
  Listener,
  ReconnectingClientOptions,
  SocketLike,
} from './client-events.ts';
import { EpochKeys, gateEvent } from './event-gate.ts';
import { Keepalive } from './keepalive.ts';
import { SequenceTracker } from './sequence-tracker.ts';
import { parseServerFrame } from './server-frame.ts';
import { detach, release } from './socket-release.ts';
import { streamUrl } from './stream-url.ts';
import { TokenSource } from './token-source.ts';

export type * from './client-events.ts';

const OPEN = 1;

export class ReconnectingClient {
  private readonly listeners = new Set<Listener>();
  private readonly tracker: SequenceTracker;
  private readonly backoff: BackoffOptions;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly random: () => number;
  private readonly retryFirstConnect: boolean;
  private desiredTopics: string[] | null;
  private socket: SocketLike | null = null;
  private sentSince = false;
  /** From the server's `shutdown` notice, for the next reconnect only. */
  private retryAfterMs: number | null = null;
  private welcomed = false;
  private lastError: string | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly keepalive: Keepalive;
  private readonly tokens: TokenSource;
  private currentState: ConnectionState = 'idle';
  readonly stats: ClientStats = { connects: 0, duplicates: 0, replayed: 0, resumeFailures: 0, invalid: 0, keyGaps: 0 };
  private readonly keys = new EpochKeys();

  constructor(private readonly options: ReconnectingClientOptions) {
    const since = options.since ?? null;
    this.tracker = new SequenceTracker(since === null ? null : { since, epoch: options.epoch ?? null });
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.random = options.random ?? Math.random;
    const ping = () => this.ping();
    this.keepalive = new Keepalive(options.pingIntervalMs ?? 0, ping, () => this.abandon());
    this.retryFirstConnect = options.retryFirstConnect ?? true;
    this.tokens = new TokenSource(options.token);
    this.desiredTopics = options.topics ? [...options.topics] : null;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  private get stopped(): boolean {
    return this.currentState === 'closed';
  }

  /** The last stream sequence seen (where a reconnect resumes). */
  get lastSequence(): number | null {
    return this.tracker.last;
  }

  get epoch(): string | null {
    return this.tracker.epoch;
  }

  /** Topics requested on (re)connect; `null` means the server's default. */
  get topics(): readonly string[] | null {
    return this.desiredTopics;
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.currentState !== 'idle') return;
    this.connect();
  }

  /** Stop for good (no reconnect). */
  close(): void {
    if (this.currentState === 'closed') return;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket !== null) release(socket, CloseCode.Normal, 'client closing');
    this.setState('closed');
  }

  /** Add topics now (if connected) and on every reconnect. */
  subscribe(topics: readonly string[]): void {
    const held = this.desiredTopics ?? [...DEFAULT_TOPICS];
    const added = this.keys.retake(topics.filter((t) => !held.includes(t)));
    this.desiredTopics = [...held, ...added];
    if (added.length > 0) this.send({ op: 'subscribe', topics: added });
  }

  unsubscribe(topics: readonly string[]): void {
    const held = this.desiredTopics ?? [...DEFAULT_TOPICS];
    const removed = topics.filter((t) => held.includes(t));
    this.desiredTopics = held.filter((t) => !removed.includes(t));
    if (removed.length > 0) this.send({ op: 'unsubscribe', topics: removed });
  }

  /** Send a protocol ping; the answer arrives as a `control` event. */
  ping(id?: string | number): void {
    this.send(id === undefined ? { op: 'ping' } : { op: 'ping', id });
  }

  private send(message: ClientMessage): boolean {
    const socket = this.socket;
    if (socket === null || socket.readyState !== OPEN || !this.welcomed) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private emit(event: ClientEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit({ type: 'state', state });
  }

  /** Ask for the token (a provider may answer later), then open the socket; a failed provider is a failed attempt. */
  private connect(): void {
    this.retryTimer = null;
    this.setState('connecting');
    this.tokens.withToken(
      (token) => void (this.stopped || this.open(token)),
      (error) => {
        if (this.stopped) return;
        this.lastError = `token provider failed: ${describeError(error)}`;
        this.afterClose(1006, '');
      },
    );
  }

  private open(token: string | null): void {
    const point = this.tracker.resumePoint();
    this.sentSince = point !== null;
    this.welcomed = false;
    this.lastError = null;
    const url = streamUrl(this.options.url, {
      topics: this.desiredTopics,
      since: point?.since ?? null,
      epoch: point?.epoch ?? null,
      token,
    });
    let socket: SocketLike;
    try {
      socket = this.createSocket(url);
    } catch (error) {
      this.lastError = describeError(error);
      return this.afterClose(1006, '');
    }
    this.socket = socket;
    socket.onmessage = (event) => {
      if (this.socket === socket) this.onFrame(event.data);
    };
    socket.onerror = (event) => {
      const message = (event as { message?: unknown }).message;
      if (typeof message === 'string' && message.length > 0) this.lastError = message;
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      detach(socket);
      this.afterClose(event.code, event.reason);
    };
  }

  private onFrame(data: unknown): void {
    this.keepalive.heard();
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      this.stats.invalid++;
      this.emit({ type: 'invalid', raw: parsed.raw, reason: parsed.reason });
      return;
    }
    const message = parsed.message;
    switch (message.event_type) {
      case 'market':
      case 'agent':
      case 'arena':
      case 'trade':
      case 'book':
      case 'candle':
      case 'order': {
        const { deliver, snapshot, gap } = gateEvent(message, this.tracker, this.keys, this.stats);
        if (gap !== null) this.emit({ type: 'key_gap', ...gap });
        if (deliver) this.emit({ type: 'event', event: message, raw: data as string, snapshot });
        return;
      }
      case 'welcome': {
        this.welcomed = true;
        this.keys.welcome(message.epoch);
        this.stats.connects++;
        this.attempt = 0;
        this.tracker.welcome(message, this.sentSince);
        this.keepalive.start();
        this.setState(this.sentSince ? 'resuming' : 'live');
        this.emit({ type: 'welcome', message, reconnect: this.stats.connects > 1 });
        return;
      }
      case 'resumed':
        this.tracker.resumed();
        this.stats.replayed += message.replayed;
        this.setState('live');
        this.emit({ type: 'resumed', message });
        return;
      case 'resume_failed':
        this.tracker.resumeFailed(message);
        this.stats.resumeFailures++;
        this.setState('live');
        this.emit({ type: 'resume_failed', message });
        return;
      case 'error':
        this.emit({ type: 'error', message });
        return;
      case 'shutdown':
        // The server is stopping and says when to come back: the next reconnect waits that long (plus jitter).
        this.retryAfterMs = message.retry_after_ms;
        this.emit({ type: 'control', message });
        return;
      default:
        if (message.event_type === 'token_expiring') this.refresh(this.socket);
        this.emit({ type: 'control', message });
    }
  }

  private afterClose(code: number, reason: string): void {
    this.clearTimers();
    const wasOpen = this.welcomed;
    this.welcomed = false;
    if (this.currentState === 'closed') return;
    const error = this.lastError;
    const disconnected = (retryInMs: number | null) =>
      this.emit({ type: 'disconnected', code, reason, error, wasOpen, retryInMs, attempt: this.attempt });
    if (!wasOpen && this.stats.connects === 0 && !this.retryFirstConnect) {
      disconnected(null);
      this.setState('closed');
      return;
    }
    // The codes table says when to come back at once; a shutdown notice says when; else back off.
    const reconnectNow = reconnectsAtOnce(code, wasOpen, this.tokens.renewable);
    const delay = reconnectDelay(
      { reconnectNow, retryAfterMs: this.retryAfterMs, attempt: this.attempt },
      this.backoff,
      this.random,
    );
    this.retryAfterMs = null;
    this.attempt++;
    disconnected(delay);
    // A listener may have called close() while handling the event.
    if (this.stopped) return;
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** `token_expiring`: ask the provider for a new token and send it in `refresh` (a fixed token cannot be renewed). */
  private refresh(socket: SocketLike | null): void {
    this.tokens.renew(
      (token) => void (this.socket === socket && this.send({ op: 'refresh', token })),
      (error) => this.emit({ type: 'token_failed', error: describeError(error) }),
    );
  }

  /** Nothing heard for two ping intervals: abandon the socket and reconnect. */
  private abandon(): void {
    const socket = this.socket;
    if (socket === null) return;
    this.socket = null;
    release(socket, CloseCode.KeepaliveTimeout, CloseReason.keepaliveTimeout);
    this.afterClose(CloseCode.KeepaliveTimeout, CloseReason.keepaliveTimeout);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.keepalive.stop();
    this.retryTimer = null;
  }
}
