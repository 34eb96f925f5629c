// A slow reader's pace: a token bucket over the bytes it reads, answering how long to stop reading.

export class ReadThrottle {
  private credit: number;
  private last = Number.NaN;

  /**
   * @param bytesPerS the average rate the reader takes bytes at (0: unthrottled)
   * @param burstBytes what it may read at once before it has to wait
   */
  constructor(
    readonly bytesPerS: number,
    private readonly burstBytes = 16 * 1024,
  ) {
    this.credit = burstBytes;
  }

  /** `n` bytes were read at `now` (ms): how long to pause before reading again (0: keep reading). */
  take(n: number, now: number): number {
    if (this.bytesPerS <= 0) return 0;
    if (!Number.isNaN(this.last)) {
      this.credit = Math.min(this.burstBytes, this.credit + ((now - this.last) / 1000) * this.bytesPerS);
    }
    this.last = now;
    this.credit -= n;
    return this.credit >= 0 ? 0 : (-this.credit / this.bytesPerS) * 1000;
  }
}

/** Something that can stop and start reading (a Bun TCP socket). */
export interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

/** Paces one socket: after each chunk read, pauses it for as long as the throttle says. */
export class SocketPacer {
  private throttle: ReadThrottle | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private socket: Pausable | null = null;

  /** Read at most `bytesPerS` from now on (0: unthrottled, and reading again at once). */
  setRate(bytesPerS: number): void {
    this.throttle = bytesPerS > 0 ? new ReadThrottle(bytesPerS) : null;
    if (this.throttle === null) this.resume();
  }

  /** `n` bytes were read from `socket` at `now`. */
  read(socket: Pausable, n: number, now: number): void {
    const wait = this.throttle?.take(n, now) ?? 0;
    if (wait <= 0 || this.timer !== null) return;
    this.socket = socket;
    socket.pause();
    this.timer = setTimeout(() => this.resume(), wait);
  }

  /** The socket is gone: forget it. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.socket = null;
  }

  private resume(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.resume();
    this.socket = null;
  }
}
