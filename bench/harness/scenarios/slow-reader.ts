// Scenario (f), slow readers: on a busy market (the books' trades, deltas and candles on), fast readers and a few that
// read a fraction of what a fast one does, either loss-free (closed 1013 when too far behind, then resumed with
// `since`) or conflated (`conflate_ms`: the latest state per key); what each receives and the server CPU it costs.
import type { SlowReply } from '../../load/commands.ts';
import { Histogram } from '../../stats/histogram.ts';
import { split } from '../load-fleet.ts';
import type { Figures } from '../result.ts';
import type { SlowReaderParams } from '../scenario-params.ts';
import { connect, finish, measure, type RunContext, withSession } from '../session.ts';
import { benchSymbols, type Target, type TargetName, type Workload } from '../targets.ts';
import { p, row } from './row.ts';

/** What each target adds to the fast readers: nothing (the baseline), loss-free slow readers, or conflated ones. */
export const SLOW_VARIANTS: Partial<Record<TargetName, 'loss-free' | 'conflated' | null>> = {
  'lineage-busy': null,
  'lineage-slow': 'loss-free',
  'lineage-slow-conflated': 'conflated',
};

/** The slow readers' replies from every load process, added up (their ages merged). */
export function addSlowReplies(replies: readonly SlowReply[]): SlowReply & { ageHistogram: Histogram } {
  const ageHistogram = new Histogram();
  const total: SlowReply & { ageHistogram: Histogram } = {
    clients: 0,
    deliveries: 0,
    bytes: 0,
    conflatedFrames: 0,
    replaced: 0,
    ages: ageHistogram.toData(),
    ageHistogram,
    closes: {},
    resumed: 0,
    resumeFailed: 0,
    failedReconnects: 0,
    caughtUp: 0,
  };
  for (const r of replies) {
    for (const k of ['clients', 'deliveries', 'bytes', 'conflatedFrames', 'replaced'] as const) total[k] += r[k];
    for (const k of ['resumed', 'resumeFailed', 'failedReconnects', 'caughtUp'] as const) total[k] += r[k];
    for (const [code, n] of Object.entries(r.closes)) total.closes[code] = (total.closes[code] ?? 0) + n;
    ageHistogram.merge(r.ages);
  }
  total.ages = ageHistogram.toData();
  return total;
}

export async function runSlowReader(
  ctx: RunContext,
  target: Target,
  params: SlowReaderParams,
  stallMs: number,
): Promise<Figures> {
  const variant = SLOW_VARIANTS[target.name];
  if (variant === undefined) throw new Error(`slow-reader: no variant for target ${target.name}`);
  const workload: Workload = {
    symbols: benchSymbols(params.symbols),
    intervalMs: params.intervalMs,
    marketData: true,
    serverArgs: ['--send-buffer-bytes', String(params.sendBufferBytes), '--history', String(params.history)],
  };
  const lifetimeMs = params.warmMs + params.calibrateMs + params.measureMs + 240_000;
  return withSession(ctx, target, workload, params.loaders, lifetimeMs, async (s) => {
    const c = await connect(s, params.fast, params.concurrency);
    await Bun.sleep(params.warmMs);
    // A slow reader's pace is a fraction of what a fast reader reads on this workload, measured here.
    const calibration = await measure(s, params.calibrateMs);
    const fastBytesPerS = calibration.bytes / calibration.seconds / Math.max(1, params.fast);
    const readBytesPerS = Math.max(1024, Math.round(fastBytesPerS * params.slowFraction));
    const counts = split(params.slow, s.fleet.size);
    if (variant !== null) {
      const client = { ...s.client, conflateMs: variant === 'conflated' ? params.conflateMs : 0 };
      await s.fleet.all((i) => ({
        cmd: 'slow-start',
        plan: { count: counts[i] as number, topics: s.topics, client, readBytesPerS, concurrency: params.concurrency },
      }));
    }
    const w = await measure(s, params.measureMs);
    const slow =
      variant === null
        ? null
        : addSlowReplies(await s.fleet.all<SlowReply>({ cmd: 'slow-stop', catchUpMs: stallMs * 2 }));
    const finished = await finish(s, stallMs);
    const perSlow = (n: number) => (slow === null || slow.clients === 0 ? Number.NaN : n / w.seconds / slow.clients);
    const closes = slow?.closes ?? {};
    const closedOther = Object.entries(closes).reduce((a, [code, n]) => a + (code === '1013' ? 0 : n), 0);
    const slowFigures: Record<string, number> =
      slow === null
        ? {}
        : {
            slowClients: slow.clients,
            slowReadBytesPerS: readBytesPerS,
            slowEventsPerSPerClient: perSlow(slow.deliveries),
            slowBytesPerSPerClient: perSlow(slow.bytes),
            slowConflatedPerSPerClient: perSlow(slow.conflatedFrames),
            slowReplacedPerSPerClient: perSlow(slow.replaced),
            slowAgeP50Ms: p(slow.ageHistogram, 0.5),
            slowAgeP99Ms: p(slow.ageHistogram, 0.99),
            slowClosed1013: closes['1013'] ?? 0,
            slowClosedOther: closedOther,
            slowResumed: slow.resumed,
            slowResumeFailed: slow.resumeFailed,
            slowFailedReconnects: slow.failedReconnects,
            slowCaughtUp: slow.caughtUp,
          };
    // CPU per delivery counts every delivery, the slow readers' too; ages are the fast readers' alone.
    const all = { ...w, deliveries: w.deliveries + (slow?.deliveries ?? 0), bytes: w.bytes + (slow?.bytes ?? 0) };
    return row('slow-reader', target.name, all, finished, {
      connections: params.fast + (slow?.clients ?? 0),
      rssPerConnectionKB: null,
      connectsPerS: null,
      extra: {
        fastClients: params.fast,
        fastEventsPerSPerClient: w.deliveries / w.seconds / Math.max(1, params.fast),
        fastBytesPerSPerClient: fastBytesPerS,
        connectP99Ms: p(c.connectMs, 0.99),
        failedConnects: c.failed,
        ...slowFigures,
      },
    });
  });
}
