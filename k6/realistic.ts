// k6 (e) the realistic market-data load (issue #15): the market at default rates with its books' streams on. Every
// connection holds the market topics of SYMBOLS_PER_CLIENT symbols; BOOK_SHARE of them also hold one symbol's book and
// trades. Gaps are checked per key by key_seq (the global sequence has normal holes for partial subscribers).
//   bun run server --agents 1000 --symbols <50 symbols>          # the server, at default rates
//   k6 run -e WS_URL=ws://127.0.0.1:9001 -e VUS=2000 -e DURATION=120s -e SYMBOLS=BTC-USD,ETH-USD,… k6/realistic.ts
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

/** The topics of connection `vu`: a window of PER_CLIENT symbols' ticks, and for some one book with its trades. */
export function topicsFor(vu: number): string[] {
  const topics: string[] = [];
  for (let i = 0; i < PER_CLIENT; i++) topics.push(`market.${SYMBOLS[(vu + i) % SYMBOLS.length]}`);
  if (vu % 100 < BOOK_SHARE) {
    const symbol = SYMBOLS[vu % SYMBOLS.length];
    topics.push(`book.${symbol}`, `trades.${symbol}`);
  }
  return topics;
}

export default function (): void {
  const endAt = exec.scenario.startTime + durationMs(DURATION) - 500;
  if (Date.now() >= endAt) return;
  holdStream(topicsFor(exec.vu.idInTest), false, () => endAt - Date.now(), 'received events');
}
