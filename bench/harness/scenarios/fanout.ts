// Scenario (b), fan-out: a fixed number of clients at a steady event rate; event age on arrival and CPU per delivery.
import type { FanoutParams } from '../profiles.ts';
import type { Row } from '../result.ts';
import { connect, finish, measure, type RunContext, withSession } from '../session.ts';
import { benchSymbols, type Target } from '../targets.ts';
import { p, row } from './row.ts';

export async function runFanout(ctx: RunContext, target: Target, params: FanoutParams, stallMs: number): Promise<Row> {
  const workload = { symbols: benchSymbols(params.symbols), intervalMs: params.intervalMs };
  const lifetimeMs = params.warmMs + params.measureMs + 240_000;
  return withSession(ctx, target, workload, params.loaders, lifetimeMs, async (s) => {
    const c = await connect(s, params.connections, params.concurrency);
    await Bun.sleep(params.warmMs);
    const w = await measure(s, params.measureMs);
    const finished = await finish(s, stallMs);
    return row('fanout', target.name, w, finished, {
      connections: params.connections,
      rssPerConnectionKB: null,
      connectsPerS: null,
      extra: {
        eventsPerSPerClient: (1000 / params.intervalMs) * params.symbols,
        connectP99Ms: p(c.connectMs, 0.99),
        failedConnects: c.failed,
      },
    });
  });
}
