// Scenario (h), capacity: per server, the offered deliveries/s raised step by step until p99 event age passes its limit
// (or a step loses events, errs, or the step cap is reached); the knee is the highest offered rate that kept up.
//
// The rate rises by shortening the market interval at a fixed set of connections, not by adding connections at a fixed
// interval: each tick's burst (symbols × connections frames) then keeps its size, so p99 stays flat while the server
// keeps up and turns up when it stops keeping up. Grown by connections, p99 grows with the burst, which each load
// process reads one frame after another, well before the server saturates. The interval is a server flag, so every
// step starts its own server and load processes: no step inherits the previous one's backlog or memory.
import { machineBusySeconds } from '../../stats/proc-stats.ts';
import { type CurvePoint, countedAttempts, failureOf, isP99Only, KNEE_BOUND_CODE, kneeOf } from '../capacity-curve.ts';
import type { Figures } from '../result.ts';
import { summarize } from '../result.ts';
import type { CapacityParams } from '../scenario-params.ts';
import { connect, type Finished, finish, measure, type RunContext, type Window, withSession } from '../session.ts';
import { benchSymbols, REFERENCE_TARGETS, type Target } from '../targets.ts';
import { row } from './row.ts';

interface Step {
  point: CurvePoint;
  window: Window;
  finished: Finished;
}

/** One step: a server at `intervalMs`, the connections, a warm-up, the window, the drain and loss check. */
function runStep(
  ctx: RunContext,
  target: Target,
  params: CapacityParams,
  intervalMs: number,
  stallMs: number,
): Promise<Step> {
  const workload = { symbols: benchSymbols(params.symbols), intervalMs };
  const lifetimeMs = params.warmMs + params.measureMs + 240_000;
  return withSession(ctx, target, workload, params.loaders, lifetimeMs, async (s) => {
    const c = await connect(s, params.connections, params.concurrency);
    await Bun.sleep(params.warmMs);
    const mark = () => ({
      main: s.server.mainThreadCpuSeconds(),
      machine: machineBusySeconds(ctx.clkTck),
      at: performance.now(),
    });
    const m0 = mark();
    const w = await measure(s, params.measureMs);
    const m1 = mark();
    const finished = await finish(s, stallMs);
    const seconds = (m1.at - m0.at) / 1000;
    const counted = {
      age: summarize(w.ages),
      lost: finished.loss.lost + finished.loss.duplicated + finished.loss.unexpected,
      failedConnects: c.failed,
      errors: Object.values(finished.errors).reduce((a, v) => a + v, 0),
      held: w.held,
      receiving: w.receiving,
    };
    const failure = failureOf(counted, params.p99LimitMs);
    const point: CurvePoint = {
      intervalMs,
      offeredPerS: (params.connections * params.symbols * 1000) / intervalMs,
      deliveriesPerS: w.deliveries / w.seconds,
      firstAge: summarize(w.firstAges),
      serverCores: w.cpuSeconds / w.seconds,
      serverMainCores: (m1.main - m0.main) / seconds,
      loadCores: w.loadCpuSeconds / w.seconds,
      loaders: params.loaders,
      machineCores: (m1.machine - m0.machine) / seconds,
      drainSeconds: finished.drainSeconds,
      rounds: 1,
      passed: failure === '' ? 1 : 0,
      attempts: 1,
      failure,
      ...counted,
    };
    return { point, window: w, finished };
  });
}

/** Loss, errors and drains of every step as one run's. */
function mergeFinished(steps: readonly Finished[]): Finished {
  const loss = { windows: 0, checked: 0, lost: 0, duplicated: 0, unexpected: 0, unassessable: 0 };
  const errors: Record<string, number> = {};
  for (const f of steps) {
    for (const k of Object.keys(loss) as (keyof typeof loss)[]) loss[k] += f.loss[k];
    for (const [k, v] of Object.entries(f.errors)) errors[k] = (errors[k] ?? 0) + v;
  }
  return {
    loss,
    errors,
    held: steps[steps.length - 1]?.held ?? 0,
    drainSeconds: Math.max(0, ...steps.map((f) => f.drainSeconds)),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function runCapacity(
  ctx: RunContext,
  target: Target,
  params: CapacityParams,
  stallMs: number,
): Promise<Figures> {
  const points: CurvePoint[] = [];
  const finished: Finished[] = [];
  let kneeWindow: Window | null = null;
  let firstWindow: Window | null = null;
  for (const intervalMs of params.intervalsMs) {
    let step: Step | null = null;
    // Over the limit on p99 alone, a step runs again: one stall of a shared machine should not end the curve.
    for (let attempt = 1; attempt <= 1 + params.retries; attempt++) {
      step = await runStep(ctx, target, params, intervalMs, stallMs);
      step.point.attempts = attempt;
      finished.push(step.finished);
      const p = step.point;
      const last = p.failure === '' || !isP99Only(p) || attempt > params.retries;
      ctx.log(
        `  ${target.name}: ${intervalMs} ms · offered ${fmt(p.offeredPerS)}/s → ${fmt(p.deliveriesPerS)}/s · p99 ${p.age.p99.toFixed(1)} ms · ` +
          `server ${p.serverCores.toFixed(2)} cores (main ${p.serverMainCores.toFixed(2)}) · load ${p.loadCores.toFixed(2)} · machine ${p.machineCores.toFixed(2)}` +
          (p.failure === '' ? '' : ` · ${p.failure}${last ? ': the curve ends here' : ', once more'}`),
      );
      if (last) break;
    }
    if (step === null) break;
    const p = step.point;
    points.push(p);
    firstWindow ??= step.window;
    if (p.failure !== '') break;
    kneeWindow = step.window;
  }
  const shown = kneeWindow ?? firstWindow;
  if (shown === null) throw new Error('capacity: no steps');
  const knee = kneeOf(points, params.p99LimitMs);
  const counted = countedAttempts(REFERENCE_TARGETS.has(target.name), points, finished);
  const past = mergeFinished(finished.slice(counted.length)).loss;
  return row('capacity', target.name, shown, mergeFinished(counted), {
    connections: params.connections,
    rssPerConnectionKB: null,
    connectsPerS: null,
    extra: {
      kneeDeliveriesPerS: knee.perS,
      kneeStepDeliveriesPerS: knee.stepPerS,
      kneeBound: KNEE_BOUND_CODE[knee.bound],
      capacitySteps: points.length,
      // What a reference server lost, repeated or could not show past its knee (left out of the row's loss above).
      pastKneeLoss: past.lost + past.duplicated + past.unexpected + past.unassessable,
      p99LimitMs: params.p99LimitMs,
    },
    curve: points,
  });
}
