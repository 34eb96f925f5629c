// Scenario (d), reconnect storm: every client drops at once and resumes with `since`; gaps and repeats are counted.
import type { StormReply } from '../../load/commands.ts';
import { Histogram } from '../../stats/histogram.ts';
import type { Figures } from '../result.ts';
import type { StormParams } from '../scenario-params.ts';
import { connect, finish, type RunContext, startWindow, stopWindow, withSession } from '../session.ts';
import { benchSymbols, type Target } from '../targets.ts';
import { p, row } from './row.ts';

export async function runStorm(
  ctx: RunContext,
  target: Target,
  params: StormParams,
  stallMs: number,
): Promise<Figures> {
  const workload = { symbols: benchSymbols(params.symbols), intervalMs: params.intervalMs };
  const storms = params.practiceRounds + params.rounds;
  const lifetimeMs = params.warmMs + storms * (params.roundGapMs + 60_000) + 240_000;
  return withSession(ctx, target, workload, params.loaders, lifetimeMs, async (s) => {
    const c = await connect(s, params.connections, params.concurrency);
    await Bun.sleep(params.warmMs);
    const storm = () =>
      s.fleet.all<StormReply>({ cmd: 'storm', offlineMs: params.offlineMs, jitterMs: params.jitterMs }, 120_000);
    // Practice storms: their reconnects are not timed, but a failed one still counts, and their events are loss-checked.
    let failed = 0;
    for (let round = 0; round < params.practiceRounds; round++) {
      for (const r of await storm()) failed += r.failed;
      await Bun.sleep(params.roundGapMs);
    }
    const mark = await startWindow(s);
    const reconnectMs = new Histogram();
    let stormSeconds = 0;
    let replayed = 0;
    for (let round = 0; round < params.rounds; round++) {
      const replies = await storm();
      for (const r of replies) {
        reconnectMs.merge(r.reconnectMs);
        failed += r.failed;
        replayed += r.replayed;
      }
      stormSeconds += Math.max(...replies.map((r) => r.seconds));
      await Bun.sleep(params.roundGapMs);
    }
    const w = await stopWindow(s, mark);
    const finished = await finish(s, stallMs);
    return row('storm', target.name, w, finished, {
      connections: params.connections,
      rssPerConnectionKB: null,
      connectsPerS: (params.connections * params.rounds) / stormSeconds,
      extra: {
        reconnectP50Ms: p(reconnectMs, 0.5),
        reconnectP99Ms: p(reconnectMs, 0.99),
        replayedPerRound: replayed / params.rounds,
        failedReconnects: failed,
        rounds: params.rounds,
        practiceRounds: params.practiceRounds,
        connectP99Ms: p(c.connectMs, 0.99),
      },
    });
  });
}
