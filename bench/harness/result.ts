// What one scenario run against one server produces (the rows of the report).
import type { Histogram } from '../stats/histogram.ts';
import type { TargetName } from './targets.ts';

export type ScenarioName = 'scale' | 'fanout' | 'churn' | 'storm';
export const SCENARIOS: readonly ScenarioName[] = ['scale', 'fanout', 'churn', 'storm'];

export interface AgeSummary {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  samples: number;
}

/** One held-connections step of the scale scenario (the chart's points). */
export interface Stage {
  connections: number;
  held: number;
  receiving: number;
  deliveriesPerS: number;
  age: AgeSummary;
  firstAge: AgeSummary;
  cpuPerMillion: number;
  loadCpuPerMillion: number;
  rssPerConnectionKB: number;
}

export interface Row {
  scenario: ScenarioName;
  target: TargetName;
  /** Connections held while measuring. */
  connections: number;
  deliveriesPerS: number;
  age: AgeSummary;
  /** Each event's first arrival at any client of a load process: the server's pipeline, without the load's reading. */
  firstAge: AgeSummary;
  /** Server CPU seconds (all threads) per million deliveries. */
  cpuPerMillion: number;
  /** The load processes' CPU seconds per million deliveries (they share the machine). */
  loadCpuPerMillion: number;
  rssPerConnectionKB: number | null;
  connectsPerS: number | null;
  lost: number;
  duplicated: number;
  unexpected: number;
  unassessable: number;
  errors: Record<string, number>;
  /** Scenario-specific figures (named in the report). */
  extra: Record<string, number>;
  stages: Stage[];
}

export function summarize(h: Histogram): AgeSummary {
  return {
    p50: h.percentile(0.5),
    p99: h.percentile(0.99),
    p999: h.percentile(0.999),
    max: h.count ? h.max : Number.NaN,
    samples: h.count,
  };
}
