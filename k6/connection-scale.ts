// k6 (a) connection scale: ramping-vus up to VUS held connections, each subscribed to TOPICS and reading, then hold.
//   k6 run -e WS_URL=ws://127.0.0.1:9001 -e VUS=10000 -e RAMP=60s -e HOLD=60s k6/connection-scale.ts
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { CONTIGUOUS, commonThresholds, durationMs, env, envInt, streamUrl, TOPICS } from './lib/config.ts';
import { wsErrors } from './lib/metrics.ts';
import { StreamTracker } from './lib/stream-tracker.ts';

const VUS = envInt('VUS', 1000);
const RAMP = env('RAMP', '60s');
const HOLD = env('HOLD', '60s');

export const options: Options = {
  scenarios: {
    scale: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: RAMP, target: VUS },
        { duration: HOLD, target: VUS },
        { duration: '10s', target: 0 },
      ],
      gracefulRampDown: '15s',
    },
  },
  thresholds: { ...commonThresholds(), event_age: [`p(99)<${envInt('AGE_P99_MS', 250)}`] },
};

export default function (): void {
  // Every connection stays until the end of the hold; a VU that gets here later (ramp-down) just waits.
  const closeAt = exec.scenario.startTime + durationMs(RAMP) + durationMs(HOLD);
  if (Date.now() >= closeAt - 1000) {
    sleep(1);
    return;
  }
  const tracker = new StreamTracker(CONTIGUOUS);
  const ws = new WebSocket(streamUrl(TOPICS));
  let welcomed = false;
  let closing = false;
  ws.onmessage = (e) => {
    const f = tracker.onText(e?.data);
    if (f?.event_type === 'welcome') welcomed = true;
  };
  ws.onerror = () => wsErrors.add(1, { reason: 'socket' });
  ws.onopen = () => {
    setTimeout(() => {
      closing = true;
      check(tracker, { 'welcomed and received events': (t) => welcomed && t.received > 0 });
      ws.close();
    }, closeAt - Date.now());
  };
  ws.onclose = () => {
    if (!closing) wsErrors.add(1, { reason: 'closed_by_server' });
  };
}
