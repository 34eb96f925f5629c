// Scenario (a), connection scale: ramp held, subscribed connections in steps, measure each step, then check loss.
import { Histogram } from '../../stats/histogram.ts';
import type { Figures, Stage } from '../result.ts';
import { summarize } from '../result.ts';
import type { ScaleParams } from '../scenario-params.ts';
import {
  connect,
  finish,
  measure,
  perMillion,
  type RunContext,
  sampleRss,
  type Window,
  withSession,
} from '../session.ts';
import { benchSymbols, type Target } from '../targets.ts';
import { MB, p, row } from './row.ts';

export async function runScale(
  ctx: RunContext,
  target: Target,
  params: ScaleParams,
  stallMs: number,
): Promise<Figures> {
  const workload = { symbols: benchSymbols(params.symbols), intervalMs: params.intervalMs };
  const top = params.stages[params.stages.length - 1] ?? 0;
  const loaders = Math.max(1, Math.ceil(top / params.perLoader));
  const lifetimeMs = params.stages.length * (params.settleMs + params.measureMs + 120_000) + 120_000;
  return withSession(ctx, target, workload, loaders, lifetimeMs, async (s) => {
    await Bun.sleep(params.settleMs);
    const baseline = (await sampleRss(s, 1000)).min;
    const connectMs = new Histogram();
    const stages: Stage[] = [];
    let held = 0;
    let connectSeconds = 0;
    let failed = 0;
    let last: Window | null = null;
    for (const n of params.stages) {
      const c = await connect(s, n - held, params.concurrency);
      ctx.log(
        `  ${target.name}: ${n} connections (${c.failed} failed, ${(c.opened / c.seconds).toFixed(0)} connects/s)`,
      );
      held = n;
      connectSeconds += c.seconds;
      failed += c.failed;
      connectMs.merge(c.connectMs);
      await Bun.sleep(params.settleMs);
      const w = await measure(s, params.measureMs);
      const rss = s.server.rssBytes();
      const cpu = perMillion(w);
      stages.push({
        connections: n,
        held: w.held,
        receiving: w.receiving,
        deliveriesPerS: w.deliveries / w.seconds,
        age: summarize(w.ages),
        firstAge: summarize(w.firstAges),
        cpuPerMillion: cpu.server,
        loadCpuPerMillion: cpu.load,
        rssPerConnectionKB: (rss - baseline) / n / 1024,
      });
      last = w;
    }
    const rssHeld = s.server.rssBytes();
    const finished = await finish(s, stallMs);
    if (last === null) throw new Error('scale: no stages');
    return row('scale', target.name, last, finished, {
      connections: top,
      rssPerConnectionKB: (rssHeld - baseline) / top / 1024,
      connectsPerS: top / connectSeconds,
      extra: {
        rssBaselineMB: baseline / MB,
        rssHeldMB: rssHeld / MB,
        connectP99Ms: p(connectMs, 0.99),
        failedConnects: failed,
      },
      stages,
    });
  });
}
