// k6 (b) fan-out latency: VUS connections held for DURATION at the server's steady event rate; `event_age` is the
// arrival time minus each event's timestamp (run k6 on the server's machine, or with synchronized clocks).
//   k6 run -e WS_URL=ws://127.0.0.1:9001 -e VUS=1000 -e DURATION=60s -e AGE_P99_MS=50 k6/fanout-latency.ts
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { CONTIGUOUS, commonThresholds, durationMs, env, envInt, TOPICS } from './lib/config.ts';
import { holdStream } from './lib/held-stream.ts';

const VUS = envInt('VUS', 1000);
const DURATION = env('DURATION', '60s');

export const options: Options = {
  scenarios: {
    fanout: { executor: 'constant-vus', vus: VUS, duration: DURATION, gracefulStop: '10s' },
  },
  thresholds: {
    ...commonThresholds(),
    event_age: [`p(50)<${envInt('AGE_P50_MS', 50)}`, `p(99)<${envInt('AGE_P99_MS', 100)}`],
    events_received: [`count>${envInt('MIN_EVENTS', 1)}`],
  },
};

export default function (): void {
  const endAt = exec.scenario.startTime + durationMs(DURATION) - 500;
  if (Date.now() >= endAt) return;
  holdStream(TOPICS, CONTIGUOUS, () => endAt - Date.now(), 'received events');
}
