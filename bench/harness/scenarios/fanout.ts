// Scenario (b), fan-out: a fixed number of clients at a steady event rate; event age on arrival and CPU per delivery.
// The same workload measures compression (e) and SSE (g): there the targets differ in how their clients connect.

import type { Figures } from '../result.ts';
import type { FanoutParams } from '../scenario-params.ts';
import { connect, finish, measure, perMillion, type RunContext, withSession } from '../session.ts';
import { benchSymbols, type Target } from '../targets.ts';
import { p, row } from './row.ts';

export async function runFanout(
  ctx: RunContext,
  target: Target,
  params: FanoutParams,
  stallMs: number,
  scenario: 'fanout' | 'compression' | 'sse' = 'fanout',
): Promise<Figures> {
  const workload = { symbols: benchSymbols(params.symbols), intervalMs: params.intervalMs };
  const lifetimeMs = params.warmMs + params.measureMs + 240_000;
  return withSession(ctx, target, workload, params.loaders, lifetimeMs, async (s) => {
    const c = await connect(s, params.connections, params.concurrency);
    // The warm-up is a window too: what the server costs while its JIT is still compiling, beside the steady figure.
    const warm = await measure(s, params.warmMs);
    const w = await measure(s, params.measureMs);
    const finished = await finish(s, stallMs);
    return row(scenario, target.name, w, finished, {
      connections: params.connections,
      rssPerConnectionKB: null,
      connectsPerS: null,
      extra: {
        eventsPerSPerClient: (1000 / params.intervalMs) * params.symbols,
        connectP99Ms: p(c.connectMs, 0.99),
        failedConnects: c.failed,
        warmupCpuPerMillion: perMillion(warm).server,
      },
    });
  });
}
