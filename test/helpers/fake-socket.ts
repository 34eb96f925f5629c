// A scripted socket and client for tests of the reconnecting client: the test plays the server.
import { type ClientEvent, ReconnectingClient, type SocketLike } from '../../src/client/reconnecting-client.ts';

/** A scripted socket: the test plays the server. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  readonly sent: unknown[] = [];
  closedWith: number | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.closedWith = code ?? 1000;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  frame(value: unknown): void {
    this.onmessage?.({ data: typeof value === 'string' ? value : JSON.stringify(value) } as MessageEvent);
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
  fail(message: string): void {
    this.onerror?.(Object.assign(new Event('error'), { message }));
    this.serverClose(1006);
  }
}

export const welcome = (sequence: number, epoch = 'e1') => ({
  event_type: 'welcome',
  message: 'Connected to Lineage WebSocket broadcast server',
  version: 't',
  epoch,
  sequence,
  oldest_sequence: 0,
  topics: ['market', 'agent', 'arena'],
  subscriptions: ['market', 'agent'],
});
export const market = (sequence: number, price = 100, snapshot = false) => ({
  event_type: 'market',
  market: { symbol: 'BTC-USD', price, timestamp: '2026-02-03T14:30:45.123Z', change_percent: 0 },
  sequence,
  ...(snapshot ? { snapshot: true } : {}),
});

export function fakeClient(options: Partial<ConstructorParameters<typeof ReconnectingClient>[0]> = {}) {
  const sockets: FakeSocket[] = [];
  const events: ClientEvent[] = [];
  const client = new ReconnectingClient({
    url: 'ws://server.test:1/',
    backoff: { initialMs: 5, maxMs: 40 },
    random: () => 1,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    ...options,
  });
  client.on((e) => events.push(e));
  const latest = () => sockets[sockets.length - 1] as FakeSocket;
  return { client, sockets, events, latest };
}

export const delivered = (events: ClientEvent[]) =>
  events.flatMap((e) => (e.type === 'event' ? [{ seq: e.event.sequence, snapshot: e.snapshot }] : []));
