// How busy the machine was around each round: the 1-minute load average before it, and the CPU used during it by
// processes that are not the bench's, with a warning when either says that round's figures shared the machine.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseMachineBusy, parseStat } from '../stats/proc-stats.ts';
import type { ScenarioName } from './result.ts';

/**
 * Above half a runnable task per core before the bench starts, something else was already using the machine the
 * bench needs all of (server, worker thread and load processes share its cores). Only the first round is judged by
 * it: the 1-minute average decays with a one-minute time constant, so from the second round on it mostly remembers
 * the bench's own previous round.
 */
export const LOAD_PER_CORE_LIMIT = 0.5;
/**
 * Measured directly, so the bar is lower: a tenth of the machine taken by other processes during a round (0.2 cores
 * on 2) is already of the size of the run-to-run changes the bench is meant to show.
 */
export const OTHER_CPU_PER_CORE_LIMIT = 0.1;

export interface RoundLoad {
  scenario: ScenarioName;
  round: number;
  startedAt: string;
  seconds: number;
  /** 1-minute load average when the round started. */
  loadAverage1m: number;
  /** Cores used on average during the round by every process but the bench's (null when /proc is unreadable). */
  otherCores: number | null;
  warnings: string[];
}

/** What to warn about for one round (empty: nothing seen). */
export function loadWarnings(l: {
  loadAverage1m: number;
  otherCores: number | null;
  cpus: number;
  firstRound: boolean;
}): string[] {
  const out: string[] = [];
  const loadLimit = LOAD_PER_CORE_LIMIT * l.cpus;
  if (l.firstRound && l.loadAverage1m > loadLimit)
    out.push(
      `load average ${l.loadAverage1m.toFixed(2)} before the run is above ${loadLimit.toFixed(2)} (${LOAD_PER_CORE_LIMIT} per core): the machine was busy before the bench started`,
    );
  const otherLimit = OTHER_CPU_PER_CORE_LIMIT * l.cpus;
  if (l.otherCores !== null && l.otherCores > otherLimit)
    out.push(
      `other processes used ${l.otherCores.toFixed(2)} cores during the round, above ${otherLimit.toFixed(2)} (${OTHER_CPU_PER_CORE_LIMIT} per core)`,
    );
  return out;
}

interface Sample {
  at: number;
  /** Busy CPU seconds of the whole machine, and of the bench (this process and its reaped children). */
  busy: number;
  bench: number;
}

function sample(clkTck: number): Sample | null {
  try {
    const busy = parseMachineBusy(readFileSync('/proc/stat', 'utf8')) / clkTck;
    const t = parseStat(readFileSync('/proc/self/stat', 'utf8'));
    return { at: performance.now(), busy, bench: (t.utime + t.stime + t.cutime + t.cstime) / clkTck };
  } catch {
    return null;
  }
}

/** Call before a round; the returned function, once the round's processes have all ended, gives its record. */
export function watchRound(
  scenario: ScenarioName,
  round: number,
  firstRound: boolean,
  cpus: number,
  clkTck: number,
): () => RoundLoad {
  const startedAt = new Date().toISOString();
  const loadAverage1m = loadavg()[0] ?? 0;
  const before = sample(clkTck);
  const t0 = performance.now();
  return () => {
    const after = sample(clkTck);
    const seconds = (performance.now() - t0) / 1000;
    const otherCores =
      before === null || after === null || after.at <= before.at
        ? null
        : Math.max(0, after.busy - before.busy - (after.bench - before.bench)) / ((after.at - before.at) / 1000);
    return {
      scenario,
      round,
      startedAt,
      seconds,
      loadAverage1m,
      otherCores,
      warnings: loadWarnings({ loadAverage1m, otherCores, cpus, firstRound }),
    };
  };
}
