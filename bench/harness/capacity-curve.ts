// The capacity curve: per step, the offered and the delivered rate, p99 event age and who was busy; its knee (where p99
// passes the limit); and the curve over rounds, steps lined up by their market interval.
import { medianOrNull } from '../stats/spread.ts';
import { type AgeSummary, medianAge } from './result.ts';

export interface CurvePoint {
  intervalMs: number;
  /** connections × symbols × 1000 / interval: what the server was asked to deliver per second. */
  offeredPerS: number;
  /** What the held clients received per second of the window. */
  deliveriesPerS: number;
  age: AgeSummary;
  firstAge: AgeSummary;
  /** Server CPU in cores: every thread, and the main thread alone (where each of these servers writes its sockets). */
  serverCores: number;
  serverMainCores: number;
  /** The load processes' CPU in cores (all of them together), and how many there were. */
  loadCores: number;
  loaders: number;
  /** Busy cores of the whole machine: the server, the load and every other process. */
  machineCores: number;
  held: number;
  receiving: number;
  /** Lost, repeated or stray events; connects that failed; errors (closes by the server, error frames). */
  lost: number;
  failedConnects: number;
  errors: number;
  /** How far behind the server was when the step ended. */
  drainSeconds: number;
  /** Rounds that ran this step, and those in which it kept up (in one run: 1, and 1 or 0). */
  rounds: number;
  passed: number;
  /** Times it ran (a step over the limit on p99 alone is run again); over rounds, the sum. */
  attempts: number;
  /** Why it did not keep up, empty when it did (over rounds: every reason seen). */
  failure: string;
}

/** Why a step did not keep up: p99 over the limit, loss, errors or a client that got nothing; '' when it did. */
export function failureOf(
  p: Pick<CurvePoint, 'age' | 'lost' | 'failedConnects' | 'errors' | 'held' | 'receiving'>,
  p99LimitMs: number,
): string {
  const reasons: string[] = [];
  if (!(p.age.p99 <= p99LimitMs)) reasons.push(`p99 > ${p99LimitMs} ms`);
  if (p.lost > 0) reasons.push('loss');
  if (p.failedConnects > 0) reasons.push('failed connects');
  if (p.errors > 0) reasons.push('errors');
  if (p.receiving < p.held) reasons.push('not every client received');
  return reasons.join(', ');
}

/** The step failed on its p99 alone (nothing lost, no error, every client receiving). */
export function isP99Only(p: CurvePoint): boolean {
  return p.failure !== '' && p.lost === 0 && p.failedConnects === 0 && p.errors === 0 && p.receiving >= p.held;
}

/**
 * The attempts whose loss a row counts (one entry per attempt, in order). For a reference server the step that ended
 * its curve is left out: its overload is why the curve ends (bare Bun drops frames past its knee), and the step's own
 * `failure` says so. Lineage's are all counted: it must not lose even overloaded.
 */
export function countedAttempts<T>(reference: boolean, points: readonly CurvePoint[], attempts: readonly T[]): T[] {
  const last = points.at(-1);
  if (!reference || last === undefined || last.failure === '') return [...attempts];
  return attempts.slice(0, Math.max(0, attempts.length - last.attempts));
}

/** Where the knee lies: between two steps, past the last step (a lower bound), or below the first step. */
export type KneeBound = 'found' | 'at-least' | 'below';
/** The bound as the number a row's `extra` carries. */
export const KNEE_BOUND_CODE: Record<KneeBound, number> = { found: 0, 'at-least': 1, below: -1 };

export interface Knee {
  /**
   * The highest offered deliveries/s whose p99 ≤ the limit: linear in p99 between the last step that kept up and the
   * first that did not (never extrapolated); that last step's rate when the next failed for loss or errors, or when
   * none failed; 0 when the first step failed.
   */
  perS: number;
  /** The last step that kept up, without interpolation (0 when none did). */
  stepPerS: number;
  bound: KneeBound;
}

/** The knee of one run's curve (its steps in the order run, the rate rising; a failed step ends the curve). */
export function kneeOf(points: readonly CurvePoint[], p99LimitMs: number): Knee {
  const i = points.findIndex((p) => p.failure !== '');
  if (i === -1) {
    const top = points[points.length - 1]?.offeredPerS ?? 0;
    return { perS: top, stepPerS: top, bound: points.length === 0 ? 'below' : 'at-least' };
  }
  const under = points[i - 1];
  const over = points[i] as CurvePoint;
  if (under === undefined) return { perS: 0, stepPerS: 0, bound: 'below' };
  const p99Only = isP99Only(over);
  const p1 = under.age.p99;
  const p2 = over.age.p99;
  if (!p99Only || !Number.isFinite(p2) || !(p2 > p1))
    return { perS: under.offeredPerS, stepPerS: under.offeredPerS, bound: 'found' };
  const share = (p99LimitMs - p1) / (p2 - p1);
  return {
    perS: under.offeredPerS + share * (over.offeredPerS - under.offeredPerS),
    stepPerS: under.offeredPerS,
    bound: 'found',
  };
}

/** At or above this share of a core, a thread or a load process is taken as saturated. */
export const SATURATED_CORES = 0.9;

/**
 * Which parts were saturated at a step: the server's main thread, the load processes, the machine as a whole (and
 * whether other processes took a share of it that the bench wants: the round's warning threshold, 0.1 core per core).
 */
export function saturationOf(p: CurvePoint, cpus: number): string[] {
  const out: string[] = [];
  if (p.serverMainCores >= SATURATED_CORES) out.push('server main thread');
  if (p.loaders > 0 && p.loadCores / p.loaders >= SATURATED_CORES) out.push('load processes');
  if (p.machineCores >= SATURATED_CORES * cpus) out.push('machine');
  if (otherCores(p) > 0.1 * cpus) out.push(`other processes (${otherCores(p).toFixed(2)} cores)`);
  return out;
}

/** Cores that neither the server nor the load processes used (other work on the machine). */
export function otherCores(p: CurvePoint): number {
  return Math.max(0, p.machineCores - p.serverCores - p.loadCores);
}

/** The curves of several rounds as one: each figure the median over the rounds that ran the step, counts summed. */
export function curveOver(runs: readonly { curve: readonly CurvePoint[] }[]): CurvePoint[] {
  const med = (values: number[]): number => medianOrNull(values) ?? Number.NaN;
  const intervals = [...new Set(runs.flatMap((r) => r.curve.map((p) => p.intervalMs)))].sort((a, b) => b - a);
  return intervals.map((intervalMs) => {
    const at = runs.flatMap((r) => r.curve.filter((p) => p.intervalMs === intervalMs));
    const m = (get: (p: CurvePoint) => number) => med(at.map(get));
    const sum = (get: (p: CurvePoint) => number) => at.reduce((a, p) => a + get(p), 0);
    const failures = [...new Set(at.flatMap((p) => (p.failure === '' ? [] : p.failure.split(', '))))];
    return {
      intervalMs,
      offeredPerS: m((p) => p.offeredPerS),
      deliveriesPerS: m((p) => p.deliveriesPerS),
      age: medianAge(at.map((p) => p.age)),
      firstAge: medianAge(at.map((p) => p.firstAge)),
      serverCores: m((p) => p.serverCores),
      serverMainCores: m((p) => p.serverMainCores),
      loadCores: m((p) => p.loadCores),
      loaders: m((p) => p.loaders),
      machineCores: m((p) => p.machineCores),
      held: m((p) => p.held),
      receiving: m((p) => p.receiving),
      lost: sum((p) => p.lost),
      failedConnects: sum((p) => p.failedConnects),
      errors: sum((p) => p.errors),
      drainSeconds: m((p) => p.drainSeconds),
      rounds: sum((p) => p.rounds),
      passed: sum((p) => p.passed),
      attempts: sum((p) => p.attempts),
      failure: failures.join(', '),
    };
  });
}
