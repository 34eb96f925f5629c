// Scenario (h), the realistic load (#15): the market with its books' streams on (trades, book deltas, candles) and the
// agents and arena at the server's default rates. The same clients against a small server (5 agents, 10 symbols) and a
// large one (1,000 agents, 50 symbols): each holds its symbols' tickers, and a share also one book with its trades.
import { realisticGroups } from '../realistic-topics.ts';
import type { Figures } from '../result.ts';
import type { RealisticParams } from '../scenario-params.ts';
import { connectGroups, finish, measure, type RunContext, withSession } from '../session.ts';
import { benchSymbols, type Target, type Workload } from '../targets.ts';
import { p, row } from './row.ts';

export async function runRealistic(
  ctx: RunContext,
  target: Target,
  params: RealisticParams,
  stallMs: number,
): Promise<Figures> {
  const workload: Workload = { symbols: benchSymbols(params.symbols), intervalMs: params.intervalMs, marketData: true };
  const groups = realisticGroups(params.connections, {
    symbols: workload.symbols,
    perClient: params.symbolsPerClient,
    bookSharePercent: params.bookSharePercent,
  });
  const bookClients = groups
    .filter((g) => g.topics.some((t) => t.startsWith('book.')))
    .reduce((a, g) => a + g.count, 0);
  const lifetimeMs = params.warmMs + params.measureMs + 240_000;
  return withSession(ctx, target, workload, params.loaders, lifetimeMs, async (s) => {
    const c = await connectGroups(s, groups, params.concurrency);
    await Bun.sleep(params.warmMs);
    const w = await measure(s, params.measureMs);
    const finished = await finish(s, stallMs);
    return row('realistic', target.name, w, finished, {
      connections: params.connections,
      rssPerConnectionKB: null,
      connectsPerS: null,
      extra: {
        // Measured, not nominal: the books' streams have no fixed rate.
        eventsPerSPerClient: w.deliveries / w.seconds / Math.max(1, w.held),
        serverSymbols: target.serverSymbols(workload).length,
        bookClients,
        connectP99Ms: p(c.connectMs, 0.99),
        failedConnects: c.failed,
      },
    });
  });
}
