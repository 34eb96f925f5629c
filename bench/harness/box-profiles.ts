// The box scenario's sizes in each profile (profiles.ts takes them from here).
import type { BoxParams } from './scenario-params.ts';

export const BOX_PROFILES: Record<'full' | 'dev' | 'smoke', BoxParams> = {
  full: {
    // 60,000 over 4 gateways (a gateway's fd limit, 20,000, bounds it at 19,000) from 5 load processes of 12,000,
    // each connecting to its own loopback address: about 28,000 ephemeral ports per source–destination pair.
    connections: 60_000,
    gateways: 4,
    // 4 events/s per client: 240,000 deliveries/s in all, which the two cores carry beside the connects.
    symbols: 4,
    intervalMs: 1000,
    step: 10_000,
    settleMs: 3000,
    measureMs: 6000,
    perLoader: 12_000,
    concurrency: 100,
  },
  dev: {
    connections: 4000,
    gateways: 2,
    symbols: 4,
    intervalMs: 1000,
    step: 2000,
    settleMs: 1000,
    measureMs: 3000,
    perLoader: 1000,
    concurrency: 100,
  },
  smoke: {
    connections: 40,
    gateways: 2,
    symbols: 2,
    intervalMs: 100,
    step: 20,
    settleMs: 300,
    measureMs: 1000,
    perLoader: 20,
    concurrency: 20,
  },
};
