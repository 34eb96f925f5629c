// A scenario and server over its rounds: the median of each figure (and its range), loss summed over every round.
import { medianOrNull, spreadOf } from '../stats/spread.ts';
import { curveOver } from './capacity-curve.ts';
import { figuresOf } from './figures.ts';
import { medianAge, type Row, type Stage, type Summary } from './result.ts';

const med = (values: number[]): number => medianOrNull(values) ?? Number.NaN;

/** Scale steps lined up by their connection count; each figure the median over the rounds that reached it. */
function stagesOf(runs: readonly Row[]): Stage[] {
  const counts = [...new Set(runs.flatMap((r) => r.stages.map((s) => s.connections)))];
  return counts.map((connections) => {
    const at = runs.flatMap((r) => r.stages.filter((s) => s.connections === connections));
    return {
      connections,
      held: med(at.map((s) => s.held)),
      receiving: med(at.map((s) => s.receiving)),
      deliveriesPerS: med(at.map((s) => s.deliveriesPerS)),
      age: medianAge(at.map((s) => s.age)),
      firstAge: medianAge(at.map((s) => s.firstAge)),
      cpuPerMillion: med(at.map((s) => s.cpuPerMillion)),
      loadCpuPerMillion: med(at.map((s) => s.loadCpuPerMillion)),
      rssPerConnectionKB: med(at.map((s) => s.rssPerConnectionKB)),
    };
  });
}

/** One summary from the runs of one scenario and server (every round). */
export function summaryOf(runs: readonly Row[]): Summary {
  const first = runs[0];
  if (first === undefined) throw new Error('a summary needs at least one run');
  const sum = (get: (r: Row) => number) => runs.reduce((a, r) => a + get(r), 0);
  const errors: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  const extraKeys = [...new Set(runs.flatMap((r) => Object.keys(r.extra)))];
  const spread: Summary['spread'] = {};
  for (const f of figuresOf(runs)) spread[f.key] = spreadOf(runs.map((r) => f.get(r)));
  return {
    scenario: first.scenario,
    target: first.target,
    rounds: runs.length,
    connections: med(runs.map((r) => r.connections)),
    deliveriesPerS: med(runs.map((r) => r.deliveriesPerS)),
    age: medianAge(runs.map((r) => r.age)),
    firstAge: medianAge(runs.map((r) => r.firstAge)),
    cpuPerMillion: med(runs.map((r) => r.cpuPerMillion)),
    loadCpuPerMillion: med(runs.map((r) => r.loadCpuPerMillion)),
    rssPerConnectionKB: medianOrNull(runs.map((r) => r.rssPerConnectionKB)),
    connectsPerS: medianOrNull(runs.map((r) => r.connectsPerS)),
    // A loss in any round is a finding, not noise: these add up.
    lost: sum((r) => r.lost),
    duplicated: sum((r) => r.duplicated),
    unexpected: sum((r) => r.unexpected),
    unassessable: sum((r) => r.unassessable),
    errors,
    extra: Object.fromEntries(extraKeys.map((k) => [k, med(runs.map((r) => r.extra[k] ?? Number.NaN))])),
    stages: stagesOf(runs),
    curve: curveOver(runs),
    spread,
  };
}

/** Summaries of every scenario and server, in the order they first ran. */
export function summarizeRounds(runs: readonly Row[]): Summary[] {
  const groups = new Map<string, Row[]>();
  for (const r of runs) {
    const key = `${r.scenario}\u0000${r.target}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  return [...groups.values()].map(summaryOf);
}
