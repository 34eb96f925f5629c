// The figures a run yields, named once: their key (in summaries' `spread`), label, and which way is better.
import type { Figures } from './result.ts';

export interface Figure {
  /** `cpuPerMillion`, `age.p99`, `extra.bytesPerDelivery`, … */
  key: string;
  label: string;
  /** Which way is an improvement (a comparison flags the other way). */
  better: 'lower' | 'higher';
  get(r: Figures): number | null;
}

export const CORE_FIGURES: readonly Figure[] = [
  { key: 'deliveriesPerS', label: 'deliveries/s', better: 'higher', get: (r) => r.deliveriesPerS },
  { key: 'age.p50', label: 'age p50 ms', better: 'lower', get: (r) => r.age.p50 },
  { key: 'age.p99', label: 'age p99 ms', better: 'lower', get: (r) => r.age.p99 },
  { key: 'age.p999', label: 'age p999 ms', better: 'lower', get: (r) => r.age.p999 },
  { key: 'firstAge.p50', label: '1st-arrival p50 ms', better: 'lower', get: (r) => r.firstAge.p50 },
  { key: 'firstAge.p99', label: '1st-arrival p99 ms', better: 'lower', get: (r) => r.firstAge.p99 },
  { key: 'cpuPerMillion', label: 'server CPU µs/delivery', better: 'lower', get: (r) => r.cpuPerMillion },
  { key: 'loadCpuPerMillion', label: 'load CPU µs/delivery', better: 'lower', get: (r) => r.loadCpuPerMillion },
  { key: 'rssPerConnectionKB', label: 'RSS KB/conn', better: 'lower', get: (r) => r.rssPerConnectionKB },
  { key: 'connectsPerS', label: 'connects/s', better: 'higher', get: (r) => r.connectsPerS },
];

/** Labels and directions of the scenario-specific figures the report names (others keep their key as label). */
const EXTRAS: Record<string, { label: string; better: 'lower' | 'higher' }> = {
  bytesPerDelivery: { label: 'bytes/delivery on the wire', better: 'lower' },
  serverCores: { label: 'server cores busy', better: 'lower' },
  mainThreadCpuPerMillion: { label: 'main thread CPU µs/delivery', better: 'lower' },
  warmupCpuPerMillion: { label: 'server CPU µs/delivery during the warm-up', better: 'lower' },
  rssChangePct: { label: 'churn RSS change %', better: 'lower' },
  rssGrowthAfterCycle1Pct: { label: 'churn RSS growth after cycle 1 %', better: 'lower' },
  heapGrowthAfterCycle1Pct: { label: 'churn JS heap growth after cycle 1 %', better: 'lower' },
  subscribeOpsPerS: { label: '(un)subscribes/s', better: 'higher' },
  ackP99Ms: { label: 'ack p99 ms', better: 'lower' },
  reconnectP99Ms: { label: 'reconnect→resumed p99 ms', better: 'lower' },
  connectP99Ms: { label: 'connect p99 ms', better: 'lower' },
  slowEventsPerSPerClient: { label: 'slow reader events/s', better: 'higher' },
  slowClosed1013: { label: 'slow readers closed 1013', better: 'lower' },
  slowResumeFailed: { label: 'slow reader resumes refused', better: 'lower' },
  kneeDeliveriesPerS: { label: 'capacity knee deliveries/s', better: 'higher' },
  kneeStepDeliveriesPerS: { label: 'last step within the p99 limit, deliveries/s', better: 'higher' },
  pastKneeLoss: { label: 'lost or unassessable in the step that ended a reference curve', better: 'lower' },
};

export function extraFigure(name: string): Figure {
  const known = EXTRAS[name];
  return {
    key: `extra.${name}`,
    label: known?.label ?? name,
    better: known?.better ?? 'lower',
    get: (r) => r.extra[name] ?? null,
  };
}

/** The figure of a key (core or `extra.<name>`). */
export function figureOf(key: string): Figure {
  const core = CORE_FIGURES.find((f) => f.key === key);
  if (core !== undefined) return core;
  if (key.startsWith('extra.')) return extraFigure(key.slice('extra.'.length));
  throw new Error(`unknown figure ${key}`);
}

/** Every figure the rows carry: the core ones, then each extra seen, in order of appearance. */
export function figuresOf(rows: readonly Figures[]): Figure[] {
  const extras = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.extra)) extras.add(k);
  return [...CORE_FIGURES, ...[...extras].map(extraFigure)];
}
