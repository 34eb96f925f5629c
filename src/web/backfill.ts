// Fills the sparklines with recent ticks: a short-lived second connection replays the market history up to a sequence.
import { streamUrl } from '../client/stream-url.ts';
import { MarketEvent } from '../protocol/index.ts';

export interface BackfillPoint {
  symbol: string;
  sequence: number;
  price: number;
}

/** How far back (in stream events) to replay: enough for a full chart per symbol without a long replay. */
export const BACKFILL_EVENTS = 4000;

/**
 * Replay market ticks after `max(oldest, head - BACKFILL_EVENTS)` and up to `head`, then close. Resolves with what
 * arrived (possibly nothing) and never rejects: charts simply start empty when this fails.
 */
export function backfillMarket(
  baseUrl: string,
  head: number,
  oldest: number,
  timeoutMs = 5000,
): Promise<BackfillPoint[]> {
  const since = Math.max(oldest, head - BACKFILL_EVENTS, 0);
  if (since >= head) return Promise.resolve([]);
  return new Promise((resolve) => {
    const points: BackfillPoint[] = [];
    let socket: WebSocket;
    try {
      socket = new WebSocket(streamUrl(baseUrl, { topics: ['market'], since }));
    } catch {
      resolve([]);
      return;
    }
    const finish = () => {
      clearTimeout(timer);
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      if (socket.readyState <= 1) socket.close(1000, 'backfill done');
      resolve(points);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let value: unknown;
      try {
        value = JSON.parse(event.data);
      } catch {
        return;
      }
      const type = (value as { event_type?: unknown }).event_type;
      if (type === 'resumed' || type === 'resume_failed') return finish();
      const parsed = MarketEvent.safeParse(value);
      if (!parsed.success || parsed.data.snapshot) return;
      // Later ticks come through the main connection.
      if (parsed.data.sequence > head) return finish();
      points.push({
        symbol: parsed.data.market.symbol,
        sequence: parsed.data.sequence,
        price: parsed.data.market.price,
      });
    };
    socket.onerror = finish;
    socket.onclose = finish;
  });
}
