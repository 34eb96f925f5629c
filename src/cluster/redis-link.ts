// One Redis connection that reconnects with backoff and reports its state; commands fail fast while it is down. A broker
// that hangs is a broker that is down: every command has a timeout, an idle link is pinged, and a command that does not
// answer in time marks the link down and reconnects.
import { RedisClient } from 'bun';
import { describeError } from '../lib/describe-error.ts';

export type LinkState = 'connecting' | 'up' | 'down' | 'closed';

export interface LinkEvents {
  up?(): void;
  down?(reason: string): void;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 3000;
/** A command that takes longer than this means Redis hangs (blocking reads add their BLOCK time). */
export const COMMAND_TIMEOUT_MS = 2000;
/** An idle link is pinged this often, so a hung Redis is noticed even when nothing is sent. */
const HEARTBEAT_MS = 1000;

export class RedisLink {
  state: LinkState = 'connecting';
  lastError = '';
  reconnects = 0;
  private client: RedisClient | null = null;
  private backoff = BACKOFF_MIN_MS;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private waiters: Array<() => void> = [];
  private inFlight = 0;
  private lastActivity = Date.now();
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(
    private readonly url: string,
    private readonly events: LinkEvents = {},
  ) {
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
    void this.connect();
  }

  /**
   * Run a command; throws when the link is down, the command fails, or no answer comes within `timeoutMs` (the link
   * is then marked down and reconnects). An error reply (e.g. a duplicate XADD id) leaves the link up.
   */
  async send(command: string, args: string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<unknown> {
    const client = this.client;
    if (client === null || this.state !== 'up')
      throw new Error(`redis is ${this.state}${this.lastError ? `: ${this.lastError}` : ''}`);
    this.inFlight++;
    try {
      return await withTimeout(client.send(command, args), timeoutMs, command, (reason) => this.fail(client, reason));
    } catch (error) {
      if (!client.connected) this.fail(client, describeError(error));
      throw error;
    } finally {
      this.inFlight--;
      this.lastActivity = Date.now();
    }
  }

  /** Resolves when the link is up (or immediately if it is). */
  whenUp(): Promise<void> {
    if (this.state === 'up') return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  close(): void {
    this.state = 'closed';
    clearInterval(this.heartbeat);
    if (this.timer !== null) clearTimeout(this.timer);
    this.client?.close();
    this.client = null;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Ping a link that has been idle for a while; a PING that does not answer in time marks it down. */
  private beat(): void {
    if (this.state !== 'up' || this.inFlight > 0 || Date.now() - this.lastActivity < HEARTBEAT_MS) return;
    this.send('PING', []).catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    const client = new RedisClient(this.url, {
      autoReconnect: false,
      enableOfflineQueue: false,
      connectionTimeout: COMMAND_TIMEOUT_MS,
    });
    this.client = client;
    client.onclose = (error) => this.fail(client, error?.message ?? 'connection closed');
    try {
      const hung = (reason: string) => this.fail(client, reason);
      await withTimeout(client.connect(), COMMAND_TIMEOUT_MS, 'connect', hung);
      await withTimeout(client.send('PING', []), COMMAND_TIMEOUT_MS, 'PING', hung);
      if (this.client !== client || (this.state as LinkState) === 'closed') return;
      this.state = 'up';
      this.lastError = '';
      this.lastActivity = Date.now();
      this.backoff = BACKOFF_MIN_MS;
      this.events.up?.();
      for (const w of this.waiters.splice(0)) w();
    } catch (error) {
      this.fail(client, describeError(error));
    }
  }

  private fail(client: RedisClient, reason: string): void {
    if (this.client !== client || this.state === 'closed') return;
    const wasUp = this.state === 'up';
    this.client = null;
    this.state = 'down';
    this.lastError = reason;
    try {
      client.close();
    } catch {
      // already closed
    }
    if (wasUp) this.events.down?.(reason);
    this.reconnects++;
    const delay = this.backoff * (0.75 + Math.random() * 0.5);
    this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.state = 'connecting';
      void this.connect();
    }, delay);
  }
}

/** `promise`, or a rejection after `ms` (calling `onTimeout` with the reason first); a late outcome is ignored. */
function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  onTimeout: (reason: string) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const reason = `${what} got no answer within ${ms} ms (redis hangs)`;
      onTimeout(reason);
      reject(new Error(reason));
    }, ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
