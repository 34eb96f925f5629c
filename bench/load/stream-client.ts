// One load connection: reads continuously, tracks sequences (gaps/repeats), feeds the window's age histogram.
import { SequenceTracker } from '../stats/sequence-tracker.ts';
import { type ClientOptions, PLAIN_CLIENT } from './commands.ts';
import type { FleetContext, Tally } from './fleet-context.ts';
import { scanStreamFrame } from './frame-scan.ts';
import { type RawHandlers, RawWebSocket, type WireSocket } from './raw-ws.ts';
import { SseSocket } from './sse-socket.ts';

const decoder = new TextDecoder();

type Awaited = 'welcome' | 'resumed' | 'ack';

interface Waiter {
  kind: Awaited;
  resolve(): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** A slow reader's own bookkeeping: its counts, and what to do when the server closes it or cannot resume it. */
export interface SlowHooks {
  readonly tally: Tally;
  closedByServer(client: StreamClient, code: number): void;
  resumeFailed(client: StreamClient, head: number): void;
}

export class StreamClient {
  tracker = new SequenceTracker();
  private ws: WireSocket | null = null;
  private waiter: Waiter | null = null;
  /** Events replayed to this client by resumes (those arriving between `since` and `resumed`). */
  replayed = 0;
  private resuming = false;
  /** `received` when the current measurement window began. */
  windowMark = 0;

  constructor(
    private readonly ctx: FleetContext,
    private readonly url: string,
    readonly topics: string[],
    /** Loss is assessed for this client (its topics never change). */
    readonly checked: boolean,
    private readonly client: ClientOptions = PLAIN_CLIENT,
    private readonly slow: SlowHooks | null = null,
  ) {}

  get open(): boolean {
    return this.ws !== null;
  }

  /** Replaying after `since` (between connecting with it and `resumed`). */
  get catchingUp(): boolean {
    return this.resuming;
  }

  /** Connect (resuming after `since` when given) and wait for the welcome, or for the end of the replay. */
  connect(since: number | null = null): Promise<void> {
    const c = this.client;
    const query =
      `?topics=${encodeURIComponent(this.topics.join(','))}` +
      (since === null ? '' : `&since=${since}`) +
      (c.conflateMs > 0 ? `&conflate_ms=${c.conflateMs}` : '');
    const done = this.await(since === null ? 'welcome' : 'resumed', this.ctx.connectTimeoutMs);
    this.resuming = since !== null;
    const handlers: RawHandlers = {
      open: () => {},
      text: (bytes, start, end, now) => {
        if (this.ws === ws) this.onText(bytes, start, end, now);
      },
      close: (code) => this.onClose(ws, code),
      chunk: (n) => {
        const w = this.ctx.window;
        if (w.active && !this.ctx.frozen) (this.slow === null ? w : this.slow.tally).bytes += n;
      },
    };
    const ws: WireSocket =
      c.transport === 'sse'
        ? new SseSocket(this.url + query, handlers, this.ctx.now)
        : new RawWebSocket(this.url + query, handlers, this.ctx.now, { deflate: c.deflate });
    this.ws = ws;
    return done;
  }

  /** Read at most `bytesPerS` on average (0: as fast as it can). */
  setReadRate(bytesPerS: number): void {
    this.ws?.setReadRate(bytesPerS);
  }

  /** Close on purpose (not counted as an error); events still in flight are not owed to this window. */
  close(): void {
    const ws = this.ws;
    if (ws === null) return;
    this.ws = null;
    ws.close(1000, 'bench');
  }

  /** Send an op and wait for its `subscribed`/`unsubscribed` acknowledgement. */
  request(message: object, timeoutMs: number): Promise<void> {
    const ws = this.ws;
    if (ws === null) return Promise.reject(new Error('not connected'));
    if (this.client.transport === 'sse') return Promise.reject(new Error('an SSE stream takes no requests'));
    const done = this.await('ack', timeoutMs);
    ws.send(JSON.stringify(message));
    return done;
  }

  private await(kind: Awaited, timeoutMs: number): Promise<void> {
    if (this.waiter !== null) this.fail(new Error(`superseded while waiting for ${this.waiter.kind}`));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`timed out waiting for ${kind}`));
      }, timeoutMs);
      this.waiter = { kind, resolve, reject, timer };
    });
  }

  private settle(kind: Awaited): void {
    const w = this.waiter;
    if (w === null || w.kind !== kind) return;
    this.waiter = null;
    clearTimeout(w.timer);
    w.resolve();
  }

  private fail(error: Error): void {
    const w = this.waiter;
    if (w === null) return;
    this.waiter = null;
    clearTimeout(w.timer);
    w.reject(error);
  }

  private onText(bytes: Uint8Array, start: number, end: number, now: number): void {
    const ctx = this.ctx;
    const s = ctx.scratch;
    if (scanStreamFrame(bytes, start, end, s)) {
      // A conflated book is its snapshot, but a live event with its own sequence: it counts.
      if ((s.snapshot && s.conflated < 0) || ctx.frozen) return;
      if (!this.tracker.event(s.sequence)) return;
      if (this.resuming) this.replayed++;
      const w = ctx.window;
      if (!w.active) return;
      if (this.slow !== null) {
        const t = this.slow.tally;
        t.deliveries++;
        if (!Number.isNaN(s.timestamp)) t.ages.record(now - s.timestamp);
        if (s.conflated >= 0) {
          t.conflatedFrames++;
          t.replaced += s.conflated;
        }
        return;
      }
      w.deliveries++;
      if (!Number.isNaN(s.timestamp)) {
        const age = now - s.timestamp;
        w.ages.record(age);
        ctx.firstArrival.arrival(s.sequence, age);
      }
      return;
    }
    this.onControl(decoder.decode(bytes.subarray(start, end)));
  }

  private onControl(text: string): void {
    let frame: { event_type?: unknown; sequence?: unknown };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      this.ctx.error('invalid_frame');
      return;
    }
    switch (frame.event_type) {
      case 'welcome':
        if (typeof frame.sequence === 'number') this.tracker.begin(frame.sequence);
        return this.settle('welcome');
      case 'resumed':
        this.resuming = false;
        return this.settle('resumed');
      case 'resume_failed':
        this.resuming = false;
        if (this.slow !== null && typeof frame.sequence === 'number') this.slow.resumeFailed(this, frame.sequence);
        else this.ctx.error('resume_failed');
        return this.settle('resumed');
      case 'subscribed':
      case 'unsubscribed':
        return this.settle('ack');
      case 'pong':
        return;
      case 'error':
        this.ctx.error('error_frame');
        return;
      default:
        this.ctx.error('unknown_frame');
    }
  }

  private onClose(ws: WireSocket, code: number): void {
    // Sockets closed on purpose (or replaced by a reconnect) are no longer this.ws.
    if (this.ws !== ws) return;
    this.ws = null;
    this.resuming = false;
    if (this.slow !== null) this.slow.closedByServer(this, code);
    else this.ctx.error(code === 1006 || code === 0 ? 'connection_failed' : `closed_${code}`);
    this.fail(new Error(`connection closed (${code})`));
  }
}
