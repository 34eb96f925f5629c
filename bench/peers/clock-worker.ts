// The bare Bun peer's clock: posts each step's scheduled time, so publishing runs in a message callback as in Lineage.
// (In Bun 1.4.5 a server.publish from a setTimeout callback reaches clients ~6 ms later than one from a message event.)

import { pacedNow } from './paced-clock.ts';

declare const self: Worker;

let timer: ReturnType<typeof setTimeout> | null = null;

self.onmessage = (event: MessageEvent) => {
  const intervalMs = Number((event.data as { intervalMs?: unknown }).intervalMs);
  if (!(intervalMs >= 1)) return;
  if (timer !== null) clearTimeout(timer);
  let next = pacedNow();
  const loop = () => {
    const due: number[] = [];
    for (const now = pacedNow(); next <= now && due.length < 100_000; next += intervalMs) due.push(next);
    if (due.length > 0) self.postMessage(due);
    timer = setTimeout(loop, Math.max(0, next - pacedNow()));
  };
  loop();
};
