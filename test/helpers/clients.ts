// Promise helpers around real WebSocket clients (Bun's WebSocket and the `ws` package) for tests.
import WsClient from 'ws';

export type Frame = Record<string, any>;
export type Kind = 'bun' | 'ws';

/** A connected test client: queues every frame, lets a test await the next matching one. */
export class TestClient {
  readonly frames: Frame[] = [];
  private cursor = 0;
  private waiters: Array<() => void> = [];
  closeInfo: { code: number; reason: string } | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;
  private resolveClosed!: (v: { code: number; reason: string }) => void;

  private constructor(
    private readonly sendRaw: (data: string | Uint8Array) => void,
    private readonly closeRaw: (code?: number) => void,
    readonly native: WebSocket | WsClient,
  ) {
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  static open(url: string, kind: Kind = 'bun', headers?: Record<string, string>): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      if (kind === 'bun') {
        const ws = new WebSocket(url, headers ? ({ headers } as any) : undefined);
        const client = new TestClient(
          (d) => ws.send(d as string | ArrayBuffer),
          (c) => ws.close(c),
          ws,
        );
        ws.onmessage = (e) => client.push(String(e.data));
        ws.onclose = (e) => client.finish(e.code, e.reason);
        ws.onopen = () => resolve(client);
        ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
      } else {
        const ws = new WsClient(url, headers ? { headers } : undefined);
        const client = new TestClient(
          (d) => ws.send(d),
          (c) => ws.close(c),
          ws,
        );
        ws.on('message', (data) => client.push(String(data)));
        ws.on('close', (code, reason) => client.finish(code, reason.toString()));
        ws.on('open', () => resolve(client));
        ws.on('unexpected-response', (_req, res) => reject(new Error(`unexpected response ${res.statusCode}`)));
        ws.on('error', (e) => reject(e));
      }
    });
  }

  private push(text: string): void {
    this.frames.push(JSON.parse(text));
    this.wake();
  }

  private finish(code: number, reason: string): void {
    this.closeInfo = { code, reason };
    this.resolveClosed(this.closeInfo);
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(message: unknown): void {
    this.sendRaw(typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message));
  }

  close(code?: number): void {
    this.closeRaw(code);
  }

  /** The next frame (after the last one returned) matching `pred`; skipped frames stay in `frames`. */
  async next(pred: (f: Frame) => boolean = () => true, timeoutMs = 5000, what = 'frame'): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const f = this.frames[this.cursor++] as Frame;
        if (pred(f)) return f;
      }
      if (this.closeInfo)
        throw new Error(`closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames.slice(-3))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  nextOf(eventType: string, timeoutMs = 5000): Promise<Frame> {
    return this.next((f) => f.event_type === eventType, timeoutMs, eventType);
  }

  /** Wait until `n` frames matching `pred` have arrived in total. */
  async waitFor(pred: (f: Frame) => boolean, n: number, timeoutMs = 5000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.frames.filter(pred);
      if (got.length >= n) return got;
      if (this.closeInfo) throw new Error(`closed (${this.closeInfo.code}) with ${got.length}/${n} frames`);
      if (Date.now() > deadline) throw new Error(`timed out with ${got.length}/${n} frames`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }
}

export async function waitUntil(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}
