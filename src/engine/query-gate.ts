// A bound on concurrent heavy queries: past it a request is refused at once (503 `busy` with Retry-After) instead of
// queueing work that would pile up behind the others.

/** Too many queries at once, or one that did not finish in time; the client should retry after `retryAfterS`. */
export class BusyError extends Error {
  override name = 'BusyError';
  constructor(
    message: string,
    readonly retryAfterS = 1,
  ) {
    super(message);
  }
}

export class QueryGate {
  private inFlight = 0;

  constructor(
    readonly max: number,
    private readonly what: string,
  ) {}

  get active(): number {
    return this.inFlight;
  }

  /** Run `query` if fewer than `max` are running; otherwise reject with BusyError without running it. */
  async run<T>(query: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.max)
      throw new BusyError(`${this.max} ${this.what} queries are already running; retry shortly`);
    this.inFlight++;
    try {
      return await query();
    } finally {
      this.inFlight--;
    }
  }
}
