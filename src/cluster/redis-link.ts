// One Redis connection that reconnects with backoff and reports its state; commands fail fast while it is down.
import { RedisClient } from 'bun';

export type LinkState = 'connecting' | 'up' | 'down' | 'closed';

export interface LinkEvents {
  up?(): void;
  down?(reason: string): void;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 3000;

export class RedisLink {
  state: LinkState = 'connecting';
  lastError = '';
  reconnects = 0;
  private client: RedisClient | null = null;
  private backoff = BACKOFF_MIN_MS;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly url: string,
    private readonly events: LinkEvents = {},
  ) {
    void this.connect();
  }

  /** Run a command; throws when the link is down or the command fails (the link then reconnects). */
  async send(command: string, args: string[]): Promise<unknown> {
    const client = this.client;
    if (client === null || this.state !== 'up') throw new Error(`redis is ${this.state}${this.lastError ? `: ${this.lastError}` : ''}`);
    try {
      return await client.send(command, args);
    } catch (error) {
      // An error reply (e.g. a duplicate XADD id) leaves the connection up; anything else means reconnect.
      if (!client.connected) this.fail(client, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** Resolves when the link is up (or immediately if it is). */
  whenUp(): Promise<void> {
    if (this.state === 'up') return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  close(): void {
    this.state = 'closed';
    if (this.timer !== null) clearTimeout(this.timer);
    this.client?.close();
    this.client = null;
    for (const w of this.waiters.splice(0)) w();
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    const client = new RedisClient(this.url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: 2000 });
    this.client = client;
    client.onclose = (error) => this.fail(client, error?.message ?? 'connection closed');
    try {
      await client.connect();
      await client.send('PING', []);
      if (this.client !== client || (this.state as LinkState) === 'closed') return;
      this.state = 'up';
      this.lastError = '';
      this.backoff = BACKOFF_MIN_MS;
      this.events.up?.();
      for (const w of this.waiters.splice(0)) w();
    } catch (error) {
      this.fail(client, error instanceof Error ? error.message : String(error));
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
