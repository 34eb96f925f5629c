// One checked connection: holds topics for a while, tracks every event's sequence, counts a server-side close as an error.
import { check } from 'k6';
import { setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { streamUrl } from './config.ts';
import { wsErrors } from './metrics.ts';
import { StreamTracker } from './stream-tracker.ts';

/** Open a stream on `topics`, keep it `holdMs` after it opens, then close it; `requireEvents` checks it received some. */
export function holdStream(
  topics: readonly string[],
  contiguous: boolean,
  holdMs: () => number,
  requireEvents: string | null,
): void {
  const tracker = new StreamTracker(contiguous);
  const ws = new WebSocket(streamUrl(topics));
  let closing = false;
  ws.onmessage = (e) => void tracker.onText(e?.data);
  ws.onerror = () => wsErrors.add(1, { reason: 'socket' });
  ws.onopen = () => {
    setTimeout(
      () => {
        closing = true;
        if (requireEvents !== null) check(tracker, { [requireEvents]: (t) => t.received > 0 });
        ws.close();
      },
      Math.max(0, holdMs()),
    );
  };
  ws.onclose = () => {
    if (!closing) wsErrors.add(1, { reason: 'closed_by_server' });
  };
}
