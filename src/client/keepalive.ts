// Client-side keepalive: a protocol ping every interval, and a connection silent for two intervals (not even a pong)
// declared dead even if the socket does not know it.

export class Keepalive {
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {}

  /** Any frame arrived. */
  heard(): void {
    this.lastFrameAt = Date.now();
  }

  start(): void {
    if (this.intervalMs <= 0 || this.timer !== null) return;
    this.timer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > this.intervalMs * 2) this.dead();
      else this.ping();
    }, this.intervalMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
