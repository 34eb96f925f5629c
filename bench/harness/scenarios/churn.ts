// Scenario (c), churn: steady clients keep receiving while others toggle subscriptions and connect/disconnect, in
// cycles with a quiet settle after each; RSS (and, for Lineage, the JavaScript heap) is read after every cycle. The
// first `practiceCycles` run before the CPU window (every server has compiled its churn paths before they are timed),
// but they are memory cycles like the rest: the memory target is still judged after the very first churn.
import type { ChurnReply } from '../../load/commands.ts';
import { Histogram } from '../../stats/histogram.ts';
import { split } from '../load-fleet.ts';
import type { Figures } from '../result.ts';
import type { ChurnParams } from '../scenario-params.ts';
import { heapReader } from '../server-heap.ts';
import {
  connect,
  finish,
  type RunContext,
  type Session,
  sampleRss,
  startWindow,
  stopWindow,
  type WindowMark,
  withSession,
} from '../session.ts';
import { benchSymbols, type Target } from '../targets.ts';
import { MB, p, row } from './row.ts';

const SAMPLE_MS = 1000;

/**
 * One heap reading (null when the server has none), then the least RSS over `SAMPLE_MS` of quiet: a server that
 * collects before its reading (`lineage-gc`) shows the RSS it keeps after a full collection.
 */
async function sampleMemory(s: Session, heap: () => Promise<number | null>) {
  const h = await heap();
  const rss = await sampleRss(s, SAMPLE_MS);
  return { rss: rss.min, heap: h };
}

/** Largest growth of `later` over `first`, in % (0 when there is no later reading). */
export function maxGrowthPct(first: number, later: readonly number[]): number {
  return later.length === 0 ? 0 : ((Math.max(...later) - first) / first) * 100;
}

export async function runChurn(
  ctx: RunContext,
  target: Target,
  params: ChurnParams,
  stallMs: number,
): Promise<Figures> {
  const workload = {
    symbols: benchSymbols(params.symbols),
    intervalMs: params.intervalMs,
  };
  const cycleMs = params.churnMs + params.settleMs + SAMPLE_MS + 15_000;
  const memoryCycles = params.practiceCycles + params.cycles;
  const lifetimeMs = params.warmMs + memoryCycles * cycleMs + 240_000;
  return withSession(ctx, target, workload, params.loaders, lifetimeMs, async (s) => {
    const heap = heapReader(s.server.output ?? (() => ''));
    await connect(s, params.steady, params.concurrency);
    await Bun.sleep(params.warmMs);
    const before = await sampleMemory(s, heap);
    const togglers = split(params.togglers, s.fleet.size);
    const loopers = split(params.loopers, s.fleet.size);
    let mark: WindowMark | null = null;
    const replies: ChurnReply[] = [];
    const cycles: { rss: number; heap: number | null }[] = [];
    for (let c = 0; c < memoryCycles; c++) {
      const practice = c < params.practiceCycles;
      if (!practice && mark === null) mark = await startWindow(s);
      await s.fleet.all((i) => ({
        cmd: 'churn-start',
        plan: {
          togglers: togglers[i] as number,
          // A quiet topic to hold while toggling each symbol's own topic (no overlap, so nothing is owed twice).
          toggleBase: ['arena'],
          toggleTopics: workload.symbols.map((sym) => `market.${sym}`),
          toggleGapMs: params.toggleGapMs,
          loopers: loopers[i] as number,
          looperTopics: s.topics,
          holdMs: params.holdMs,
        },
      }));
      await Bun.sleep(params.churnMs);
      const stopped = await s.fleet.all<ChurnReply>({ cmd: 'churn-stop' });
      if (!practice) replies.push(...stopped);
      await Bun.sleep(params.settleMs);
      const m = await sampleMemory(s, heap);
      cycles.push(m);
      const heapText = m.heap === null ? '' : `, JS heap ${(m.heap / MB).toFixed(1)} MB`;
      ctx.log(`  churn cycle ${c + 1}${practice ? ' (practice)' : ''}: RSS ${(m.rss / MB).toFixed(1)} MB${heapText}`);
    }
    if (mark === null) throw new Error('churn: no measured cycle (cycles must be at least 1)');
    const w = await stopWindow(s, mark);
    const finished = await finish(s, stallMs);
    const connectMs = new Histogram();
    const ackMs = new Histogram();
    for (const r of replies) {
      connectMs.merge(r.connectMs);
      ackMs.merge(r.ackMs);
    }
    const seconds = replies.reduce((a, r) => a + r.seconds, 0) / Math.max(1, s.fleet.size);
    const connects = replies.reduce((a, r) => a + r.connects, 0);
    const ops = replies.reduce((a, r) => a + r.subscribeOps, 0);
    const first = cycles[0] as { rss: number; heap: number | null };
    const last = cycles[cycles.length - 1] as { rss: number; heap: number | null };
    const extra: Record<string, number> = {
      cycles: cycles.length,
      practiceCycles: params.practiceCycles,
      rssBeforeMB: before.rss / MB,
      rssAfterMB: last.rss / MB,
      rssChangePct: ((last.rss - before.rss) / before.rss) * 100,
      rssAfterCycle1MB: first.rss / MB,
      rssGrowthAfterCycle1Pct: maxGrowthPct(
        first.rss,
        cycles.slice(1).map((m) => m.rss),
      ),
      subscribeOpsPerS: ops / seconds,
      ackP99Ms: p(ackMs, 0.99),
      connectP99Ms: p(connectMs, 0.99),
      churnConnects: connects,
    };
    cycles.forEach((m, i) => {
      extra[`rssCycle${i + 1}MB`] = m.rss / MB;
    });
    const heaps = cycles.map((m) => m.heap);
    if (before.heap !== null && heaps.every((h) => h !== null)) {
      const hs = heaps as number[];
      // 1: read after a full GC (`--metrics-gc`), the live heap; 0: garbage included.
      extra.heapLive = target.liveHeap === true ? 1 : 0;
      extra.heapBeforeMB = before.heap / MB;
      extra.heapAfterCycle1MB = (hs[0] as number) / MB;
      extra.heapGrowthAfterCycle1Pct = maxGrowthPct(hs[0] as number, hs.slice(1));
      hs.forEach((h, i) => {
        extra[`heapCycle${i + 1}MB`] = h / MB;
      });
    }
    return row('churn', target.name, w, finished, {
      connections: params.steady + params.togglers + params.loopers,
      rssPerConnectionKB: null,
      connectsPerS: connects / seconds,
      extra,
    });
  });
}
