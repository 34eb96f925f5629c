// A runtime-neutral Lineage client (global WebSocket only): topics, reconnect with backoff, exact resume with `since`.

import { describeError } from '../lib/describe-error.ts';
import type { ClientMessage } from '../protocol/index.ts';
import { CloseCode, CloseReason, DEFAULT_TOPICS, ReconnectRule, ServerMessage } from '../protocol/index.ts';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, shutdownDelay } from './backoff.ts';
import type {
  ClientEvent,
  ClientStats,
  ConnectionState,
  Listener,
  ReconnectingClientOptions,
  SocketLike,
} from './client-events.ts';
import { SequenceTracker } from './sequence-tracker.ts';
import { streamUrl } from './stream-url.ts';

export type {
  ClientEvent,
  ClientStats,
  ConnectionState,
  Listener,
  ReconnectingClientOptions,
  SocketLike,
} from './client-events.ts';

const OPEN = 1;

export class ReconnectingClient {
  private readonly listeners = new Set<Listener>();
  private readonly tracker: SequenceTracker;
  private readonly backoff: BackoffOptions;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly random: () => number;
  private readonly pingIntervalMs: number;
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
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  private currentState: ConnectionState = 'idle';
  readonly stats: ClientStats = { connects: 0, duplicates: 0, replayed: 0, resumeFailures: 0, invalid: 0 };

  constructor(private readonly options: ReconnectingClientOptions) {
    this.tracker = new SequenceTracker(
      options.since !== undefined && options.since !== null
        ? { since: options.since, epoch: options.epoch ?? null }
        : null,
    );
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.random = options.random ?? Math.random;
    this.pingIntervalMs = options.pingIntervalMs ?? 0;
    this.retryFirstConnect = options.retryFirstConnect ?? true;
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
    if (socket !== null) {
      detach(socket);
      try {
        socket.close(CloseCode.Normal, 'client closing');
      } catch {
        // Already closed: nothing to release.
      }
    }
    this.setState('closed');
  }

  /** Add topics now (if connected) and on every reconnect. */
  subscribe(topics: readonly string[]): void {
    const held = this.desiredTopics ?? [...DEFAULT_TOPICS];
    const added = topics.filter((t) => !held.includes(t));
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

  private connect(): void {
    this.retryTimer = null;
    const point = this.tracker.resumePoint();
    this.sentSince = point !== null;
    this.welcomed = false;
    this.lastError = null;
    const url = streamUrl(this.options.url, {
      topics: this.desiredTopics,
      since: point?.since ?? null,
      epoch: point?.epoch ?? null,
    });
    this.setState('connecting');
    let socket: SocketLike;
    try {
      socket = this.createSocket(url);
    } catch (error) {
      this.lastError = describeError(error);
      this.afterClose(1006, '');
      return;
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
    this.lastFrameAt = Date.now();
    if (typeof data !== 'string') {
      this.stats.invalid++;
      this.emit({ type: 'invalid', raw: '', reason: 'binary frame' });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this.stats.invalid++;
      this.emit({ type: 'invalid', raw: data, reason: 'not JSON' });
      return;
    }
    const parsed = ServerMessage.safeParse(value);
    if (!parsed.success) {
      this.stats.invalid++;
      const issue = parsed.error.issues[0];
      this.emit({
        type: 'invalid',
        raw: data,
        reason: issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'does not match the protocol',
      });
      return;
    }
    const message = parsed.data;
    switch (message.event_type) {
      case 'market':
      case 'agent':
      case 'arena': {
        const snapshot = message.snapshot === true;
        const conflated = 'conflated' in message && message.conflated !== undefined;
        const verdict = this.tracker.accept(message.sequence, snapshot, conflated);
        if (verdict === 'duplicate') {
          this.stats.duplicates++;
          return;
        }
        this.emit({ type: 'event', event: message, raw: data, snapshot });
        return;
      }
      case 'welcome': {
        this.welcomed = true;
        this.stats.connects++;
        this.attempt = 0;
        this.tracker.welcome(message, this.sentSince);
        this.startKeepalive();
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
        this.emit({ type: 'control', message });
    }
  }

  private afterClose(code: number, reason: string): void {
    this.clearTimers();
    const wasOpen = this.welcomed;
    this.welcomed = false;
    if (this.currentState === 'closed') return;
    if (!wasOpen && this.stats.connects === 0 && !this.retryFirstConnect) {
      this.emit({
        type: 'disconnected',
        code,
        reason,
        error: this.lastError,
        wasOpen,
        retryInMs: null,
        attempt: this.attempt,
      });
      this.setState('closed');
      return;
    }
    // A slow consumer is told to come back at once and resume (the codes table's rule); anything else waits, growing
    // with each failure.
    const now = wasOpen && ReconnectRule[code as CloseCode] === 'reconnect_now';
    const notice = this.retryAfterMs;
    this.retryAfterMs = null;
    const delay =
      notice !== null
        ? shutdownDelay(notice, this.random)
        : now
          ? 0
          : backoffDelay(this.attempt, this.backoff, this.random);
    this.attempt++;
    this.emit({
      type: 'disconnected',
      code,
      reason,
      error: this.lastError,
      wasOpen,
      retryInMs: delay,
      attempt: this.attempt,
    });
    // A listener may have called close() while handling the event.
    if (this.stopped) return;
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private startKeepalive(): void {
    if (this.pingIntervalMs <= 0 || this.pingTimer !== null) return;
    this.pingTimer = setInterval(() => {
      const socket = this.socket;
      if (socket === null) return;
      if (Date.now() - this.lastFrameAt > this.pingIntervalMs * 2) {
        // Nothing at all for two intervals, not even a pong: the path is dead even if the socket does not know it.
        this.socket = null;
        detach(socket);
        try {
          socket.close(CloseCode.KeepaliveTimeout, CloseReason.keepaliveTimeout);
        } catch {
          // Closing a dead socket may fail; it is abandoned either way.
        }
        this.afterClose(CloseCode.KeepaliveTimeout, CloseReason.keepaliveTimeout);
        return;
      }
      this.ping();
    }, this.pingIntervalMs);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }
}

function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onerror = null;
  socket.onclose = null;
}
