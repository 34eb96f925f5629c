// Ratios between two servers, taken round by round (the same round's runs, neighbours in time), then summarized.
import { figureOf } from '../harness/figures.ts';
import type { Row, ScenarioName } from '../harness/result.ts';
import type { TargetName } from '../harness/targets.ts';
import { type Spread, spreadOf } from '../stats/spread.ts';

export interface RatioDef {
  scenario: ScenarioName;
  target: TargetName;
  reference: TargetName;
  /** A figure key (`cpuPerMillion`, `age.p99`, `extra.bytesPerDelivery`). */
  figure: string;
}

export interface RatioResult extends RatioDef {
  /** target ÷ reference: median and range over the rounds both ran. */
  spread: Spread;
}

/** `target ÷ reference` of one figure in each round both ran, as median (min–max). */
export function roundRatio(
  runs: readonly Row[],
  scenario: ScenarioName,
  target: TargetName,
  reference: TargetName,
  figure: string,
): Spread {
  const get = figureOf(figure).get;
  const values: number[] = [];
  for (const a of runs) {
    if (a.scenario !== scenario || a.target !== target) continue;
    const b = runs.find((r) => r.scenario === scenario && r.target === reference && r.round === a.round);
    if (b === undefined) continue;
    const x = get(a);
    const y = get(b);
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y) && y !== 0) values.push(x / y);
  }
  return spreadOf(values);
}

const vs = (scenario: ScenarioName, target: TargetName, reference: TargetName, figures: string[]): RatioDef[] =>
  figures.map((figure) => ({ scenario, target, reference, figure }));

/** Every ratio the report and the JSON carry. */
export const RATIOS: readonly RatioDef[] = [
  ...(['scale', 'fanout', 'churn', 'storm'] as const).flatMap((s) => [
    ...vs(s, 'lineage', 'bun', [
      'cpuPerMillion',
      'extra.mainThreadCpuPerMillion',
      'age.p99',
      'firstAge.p99',
      'rssPerConnectionKB',
    ]),
    ...vs(s, 'lineage', 'node', ['cpuPerMillion', 'age.p99', 'rssPerConnectionKB']),
  ]),
  ...vs('fanout', 'lineage', 'bun', ['extra.warmupCpuPerMillion']),
  ...vs('fanout', 'lineage-sim', 'lineage', ['age.p99', 'firstAge.p99']),
  ...vs('fanout', 'lineage-durable', 'lineage', ['cpuPerMillion']),
  ...(['lineage-compression-shared', 'lineage-compression-dedicated'] as const).flatMap((t) =>
    vs('compression', t, 'lineage-compression-off', ['extra.bytesPerDelivery', 'cpuPerMillion', 'age.p99']),
  ),
  ...vs('sse', 'lineage-sse', 'lineage', ['cpuPerMillion', 'extra.bytesPerDelivery', 'age.p99']),
  ...(['lineage-slow', 'lineage-slow-conflated'] as const).flatMap((t) =>
    vs('slow-reader', t, 'lineage-busy', ['extra.serverCores', 'cpuPerMillion', 'age.p99']),
  ),
  ...vs('realistic', 'lineage-realistic', 'lineage-realistic-small', [
    'age.p99',
    'firstAge.p99',
    'cpuPerMillion',
    'extra.serverCores',
  ]),
  ...vs('capacity', 'lineage', 'bun', ['extra.kneeDeliveriesPerS']),
  ...vs('capacity', 'lineage', 'node', ['extra.kneeDeliveriesPerS']),
  ...vs('box', 'lineage-box', 'lineage', ['cpuPerMillion', 'rssPerConnectionKB', 'age.p99']),
];

/** The ratios a set of runs can give (both servers ran in at least one common round). */
export function ratioResults(runs: readonly Row[]): RatioResult[] {
  return RATIOS.map((d) => ({ ...d, spread: roundRatio(runs, d.scenario, d.target, d.reference, d.figure) })).filter(
    (r) => r.spread.n > 0,
  );
}
