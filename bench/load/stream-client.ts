// One load connection: reads continuously, tracks sequences (gaps/repeats), feeds the window's age histogram.
import { SequenceTracker } from '../stats/sequence-tracker.ts';
import type { FleetContext } from './fleet-context.ts';
import { scanStreamFrame } from './frame-scan.ts';
import { RawWebSocket } from './raw-ws.ts';

const decoder = new TextDecoder();

type Awaited = 'welcome' | 'resumed' | 'ack';

interface Waiter {
  kind: Awaited;
  resolve(): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class StreamClient {
  readonly tracker = new SequenceTracker();
  private ws: RawWebSocket | null = null;
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
  ) {}

  get open(): boolean {
    return this.ws !== null;
  }

  /** Connect (resuming after `since` when given) and wait for the welcome, or for the end of the replay. */
  connect(since: number | null = null): Promise<void> {
    const query = `?topics=${encodeURIComponent(this.topics.join(','))}${since === null ? '' : `&since=${since}`}`;
    const done = this.await(since === null ? 'welcome' : 'resumed', this.ctx.connectTimeoutMs);
    this.resuming = since !== null;
    const ws: RawWebSocket = new RawWebSocket(
      this.url + query,
      {
        open: () => {},
        text: (bytes, start, end, now) => {
          if (this.ws === ws) this.onText(bytes, start, end, now);
        },
        close: (code) => this.onClose(ws, code),
      },
      this.ctx.now,
    );
    this.ws = ws;
    return done;
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
      if (s.snapshot || ctx.frozen) return;
      if (!this.tracker.event(s.sequence)) return;
      if (this.resuming) this.replayed++;
      const w = ctx.window;
      if (w.active) {
        w.deliveries++;
        if (!Number.isNaN(s.timestamp)) {
          const age = now - s.timestamp;
          w.ages.record(age);
          ctx.firstArrival.arrival(s.sequence, age);
        }
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
        this.ctx.error('resume_failed');
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

  private onClose(ws: RawWebSocket, code: number): void {
    // Sockets closed on purpose (or replaced by a reconnect) are no longer this.ws.
    if (this.ws !== ws) return;
    this.ws = null;
    this.ctx.error(code === 1006 || code === 0 ? 'connection_failed' : `closed_${code}`);
    this.fail(new Error(`connection closed (${code})`));
  }
}
