// k6 (e) the realistic market-data load (issue #15): the market at default rates with its books' streams on. Every
// connection holds the market topics of SYMBOLS_PER_CLIENT symbols; BOOK_SHARE_PERCENT of them also hold one of those
// symbols' book and trades (the rule of the bench's `realistic` scenario, bench/harness/realistic-topics.ts). Gaps are
// checked per key by key_seq (the global sequence has normal holes for partial subscribers).
//   bun run server --agents 1000 --symbols <50 symbols> --market-data trades,book,candles   # default rates (as the bench)
//   k6 run -e WS_URL=ws://127.0.0.1:9001 -e VUS=2000 -e DURATION=120s -e SYMBOLS=BTC-USD,ETH-USD,… k6/realistic.ts
// Against shared-port gateways, start the box instead (the same flags after --) and point WS_URL at its one port:
//   bun run box --gateways 3 --port 9001 -- --agents 1000 --symbols <50 symbols> --market-data trades,book,candles
// SSE readers are not part of it: k6's http module reads a response only once it has ended, and an SSE stream does not
// end; the bench's `sse` scenario reads /sse instead.
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { commonThresholds, durationMs, env, envInt, SYMBOLS } from './lib/config.ts';
import { holdStream } from './lib/held-stream.ts';

const VUS = envInt('VUS', 2000);
const DURATION = env('DURATION', '120s');
const PER_CLIENT = Math.max(1, Math.min(SYMBOLS.length, envInt('SYMBOLS_PER_CLIENT', 10)));
/** Percent of connections that also hold a book and its trades. */
const BOOK_SHARE = envInt('BOOK_SHARE_PERCENT', 20);

export const options: Options = {
  scenarios: {
    realistic: { executor: 'constant-vus', vus: VUS, duration: DURATION, gracefulStop: '10s' },
  },
  thresholds: {
    ...commonThresholds(),
    event_age: [`p(50)<${envInt('AGE_P50_MS', 50)}`, `p(99)<${envInt('AGE_P99_MS', 200)}`],
    events_received: [`count>${envInt('MIN_EVENTS', 1)}`],
  },
};

/**
 * The topics of connection `i` (0-based): a window of PER_CLIENT symbols' ticks. Book holders are spread evenly (exactly
 * BOOK_SHARE percent of any first n connections) and numbered k = 0, 1, …; holder k's window starts at symbol k (mod the
 * symbols) and it holds that symbol's book and trades, so the books held go round every symbol.
 */
export function topicsFor(i: number): string[] {
  const before = Math.floor((i * BOOK_SHARE) / 100);
  const holder = Math.floor(((i + 1) * BOOK_SHARE) / 100) > before ? before : null;
  const first = (holder ?? i) % SYMBOLS.length;
  const topics: string[] = [];
  for (let j = 0; j < PER_CLIENT; j++) topics.push(`market.${SYMBOLS[(first + j) % SYMBOLS.length]}`);
  if (holder !== null) topics.push(`book.${SYMBOLS[first]}`, `trades.${SYMBOLS[first]}`);
  return topics;
}

export default function (): void {
  const endAt = exec.scenario.startTime + durationMs(DURATION) - 500;
  if (Date.now() >= endAt) return;
  holdStream(topicsFor(exec.vu.idInTest - 1), false, () => endAt - Date.now(), 'received events');
}
