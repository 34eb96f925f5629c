// k6 (d) reconnect storm: every VU drops its connection at the same moment, stays away OFFLINE_MS, and comes back with
// `?since=<last sequence>`; holes and repeats are counted across the reconnects, `resume_time` is reconnect → resumed.
//   k6 run -e WS_URL=ws://127.0.0.1:9001 -e VUS=2000 -e ROUNDS=3 -e EVERY=10s -e OFFLINE_MS=500 k6/reconnect-storm.ts
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { CONTIGUOUS, commonThresholds, durationMs, env, envInt, streamUrl, TOPICS } from './lib/config.ts';
import { eventsReplayed, resumeTime, wsErrors } from './lib/metrics.ts';
import { StreamTracker } from './lib/stream-tracker.ts';

const VUS = envInt('VUS', 1000);
const ROUNDS = envInt('ROUNDS', 3);
const EVERY = env('EVERY', '10s');
const OFFLINE_MS = envInt('OFFLINE_MS', 500);

export const options: Options = {
  scenarios: {
    storm: {
      executor: 'per-vu-iterations',
      vus: VUS,
      iterations: 1,
      maxDuration: `${Math.ceil((durationMs(EVERY) * (ROUNDS + 2)) / 1000) + 30}s`,
    },
  },
  thresholds: { ...commonThresholds(), resume_time: [`p(99)<${envInt('RESUME_P99_MS', 2000)}`] },
};

export default function (): void {
  // One logical client: the tracker (and its last sequence) survives every reconnect.
  const tracker = new StreamTracker(CONTIGUOUS);
  const every = durationMs(EVERY);
  const start = exec.scenario.startTime;
  let round = 0;
  let resumed = 0;

  const open = (since?: number): void => {
    const startedAt = Date.now();
    const ws = new WebSocket(streamUrl(TOPICS, since));
    let closing = false;
    let replaying = since !== undefined;
    let replayed = 0;
    ws.onmessage = (e) => {
      const before = tracker.received;
      const f = tracker.onText(e?.data);
      if (replaying && tracker.received > before) replayed++;
      if (f?.event_type === 'resumed' || f?.event_type === 'resume_failed') {
        replaying = false;
        if (f.event_type === 'resumed') resumed++;
        resumeTime.add(Date.now() - startedAt);
        eventsReplayed.add(replayed);
      }
    };
    ws.onerror = () => wsErrors.add(1, { reason: 'socket' });
    ws.onclose = () => {
      if (!closing) wsErrors.add(1, { reason: 'closed_by_server' });
    };
    ws.onopen = () => {
      // Every VU drops at the same wall-clock moments: start + every × (round + 1).
      round++;
      const dropAt = start + every * round;
      setTimeout(
        () => {
          closing = true;
          ws.close();
          if (round <= ROUNDS) setTimeout(() => open(tracker.last), OFFLINE_MS);
          else check(tracker, { 'resumed every round without holes': (t) => resumed === ROUNDS && t.received > 0 });
        },
        Math.max(0, dropAt - Date.now()),
      );
    };
  };
  open();
}
