// k6 (c) churn: steady readers (checked for holes) while other VUs connect/disconnect in a loop and others toggle
// subscriptions (acknowledgement time in `subscribe_ack`).
//   k6 run -e WS_URL=ws://127.0.0.1:9001 -e STEADY_VUS=500 -e CONNECT_VUS=100 -e SUB_VUS=100 -e DURATION=60s k6/churn.ts
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { CONTIGUOUS, commonThresholds, durationMs, env, envInt, SYMBOLS, streamUrl, TOPICS } from './lib/config.ts';
import { holdStream } from './lib/held-stream.ts';
import { subscribeAck, wsErrors } from './lib/metrics.ts';
import { type Frame, StreamTracker } from './lib/stream-tracker.ts';

const DURATION = env('DURATION', '60s');
const HOLD_MIN_MS = envInt('HOLD_MIN_MS', 200);
const HOLD_MAX_MS = envInt('HOLD_MAX_MS', 2000);
const TOGGLE_MS = envInt('TOGGLE_MS', 200);

export const options: Options = {
  scenarios: {
    steady: {
      executor: 'constant-vus',
      exec: 'steady',
      vus: envInt('STEADY_VUS', 500),
      duration: DURATION,
      gracefulStop: '10s',
    },
    connect_churn: {
      executor: 'constant-vus',
      exec: 'connectChurn',
      vus: envInt('CONNECT_VUS', 100),
      duration: DURATION,
      gracefulStop: '10s',
    },
    subscribe_churn: {
      executor: 'constant-vus',
      exec: 'subscribeChurn',
      vus: envInt('SUB_VUS', 100),
      duration: DURATION,
      gracefulStop: '10s',
    },
  },
  thresholds: { ...commonThresholds(), subscribe_ack: [`p(99)<${envInt('ACK_P99_MS', 100)}`] },
};

function endAt(): number {
  return exec.scenario.startTime + durationMs(DURATION) - 500;
}

/** Hold TOPICS for the whole run: nothing may be missing or repeated while others churn. */
export function steady(): void {
  if (Date.now() >= endAt()) return;
  holdStream(TOPICS, CONTIGUOUS, () => endAt() - Date.now(), 'steady reader received events');
}

/** Connect, read for a random while, leave; the next iteration connects again (each connection checked on its own). */
export function connectChurn(): void {
  if (Date.now() >= endAt()) return;
  const hold = HOLD_MIN_MS + Math.random() * Math.max(0, HOLD_MAX_MS - HOLD_MIN_MS);
  holdStream(TOPICS, CONTIGUOUS, () => Math.min(hold, endAt() - Date.now()), null);
}

/** Hold `arena`; subscribe and unsubscribe one symbol topic after another, timing every acknowledgement. */
export function subscribeChurn(): void {
  if (Date.now() >= endAt()) return;
  // Toggled topics come and go, so only repeats and order are checked here (never holes).
  const tracker = new StreamTracker(false);
  const ws = new WebSocket(streamUrl(['arena']));
  let topics = SYMBOLS.map((s) => `market.${s}`);
  let next = 0;
  let sentAt = 0;
  let closing = false;
  const toggle = (op: 'subscribe' | 'unsubscribe') => {
    if (Date.now() >= endAt()) {
      closing = true;
      ws.close();
      return;
    }
    const topic = topics[next % topics.length] as string;
    if (op === 'unsubscribe') next++;
    sentAt = Date.now();
    ws.send(JSON.stringify({ op, topics: [topic] }));
  };
  ws.onmessage = (e) => {
    const f: Frame | null = tracker.onText(e?.data);
    if (f === null) return;
    if (f.event_type === 'welcome') {
      const offered = (f.topics ?? []).filter((t) => t.startsWith('market.'));
      if (offered.length > 0) topics = offered;
      toggle('subscribe');
    } else if (f.event_type === 'subscribed' || f.event_type === 'unsubscribed') {
      subscribeAck.add(Date.now() - sentAt, { op: f.event_type });
      const op = f.event_type === 'subscribed' ? 'unsubscribe' : 'subscribe';
      setTimeout(() => toggle(op), TOGGLE_MS);
    }
  };
  ws.onerror = () => wsErrors.add(1, { reason: 'socket' });
  ws.onclose = () => {
    if (!closing) wsErrors.add(1, { reason: 'closed_by_server' });
  };
}
