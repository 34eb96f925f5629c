// Scenario (c), churn: steady clients keep receiving while others toggle subscriptions and connect/disconnect; RSS after.
import type { ChurnReply } from '../../load/commands.ts';
import { Histogram } from '../../stats/histogram.ts';
import { split } from '../load-fleet.ts';
import type { Figures } from '../result.ts';
import type { ChurnParams } from '../scenario-params.ts';
import { connect, finish, type RunContext, sampleRss, startWindow, stopWindow, withSession } from '../session.ts';
import { benchSymbols, type Target } from '../targets.ts';
import { MB, p, row } from './row.ts';

export async function runChurn(
  ctx: RunContext,
  target: Target,
  params: ChurnParams,
  stallMs: number,
): Promise<Figures> {
  const workload = { symbols: benchSymbols(params.symbols), intervalMs: params.intervalMs };
  const lifetimeMs = params.warmMs + params.churnMs + params.settleMs + 240_000;
  return withSession(ctx, target, workload, params.loaders, lifetimeMs, async (s) => {
    await connect(s, params.steady, params.concurrency);
    await Bun.sleep(params.warmMs);
    const before = await sampleRss(s, 1000);
    const togglers = split(params.togglers, s.fleet.size);
    const loopers = split(params.loopers, s.fleet.size);
    const mark = await startWindow(s);
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
    const replies = await s.fleet.all<ChurnReply>({ cmd: 'churn-stop' });
    const w = await stopWindow(s, mark);
    await Bun.sleep(Math.max(0, params.settleMs - 1000));
    const after = await sampleRss(s, 1000);
    const finished = await finish(s, stallMs);
    const connectMs = new Histogram();
    const ackMs = new Histogram();
    for (const r of replies) {
      connectMs.merge(r.connectMs);
      ackMs.merge(r.ackMs);
    }
    const seconds = Math.max(...replies.map((r) => r.seconds));
    const connects = replies.reduce((a, r) => a + r.connects, 0);
    const ops = replies.reduce((a, r) => a + r.subscribeOps, 0);
    return row('churn', target.name, w, finished, {
      connections: params.steady + params.togglers + params.loopers,
      rssPerConnectionKB: null,
      connectsPerS: connects / seconds,
      extra: {
        rssBeforeMB: before.min / MB,
        rssAfterMB: after.min / MB,
        rssChangePct: ((after.min - before.min) / before.min) * 100,
        subscribeOpsPerS: ops / seconds,
        ackP99Ms: p(ackMs, 0.99),
        connectP99Ms: p(connectMs, 0.99),
        churnConnects: connects,
      },
    });
  });
}
