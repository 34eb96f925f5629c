// What one scenario run against one server produces (the rows of the report), and a figure's summary over rounds.
import type { Histogram } from '../stats/histogram.ts';
import { medianOrNull, type Spread } from '../stats/spread.ts';
import type { CurvePoint } from './capacity-curve.ts';
import type { TargetName } from './targets.ts';

export type ScenarioName =
  | 'scale'
  | 'fanout'
  | 'churn'
  | 'storm'
  | 'compression'
  | 'slow-reader'
  | 'sse'
  | 'realistic'
  | 'capacity'
  | 'box';
export const SCENARIOS: readonly ScenarioName[] = [
  'scale',
  'fanout',
  'churn',
  'storm',
  'compression',
  'slow-reader',
  'sse',
  'realistic',
  'capacity',
  'box',
];

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

/** The figures of one run, or of a summary over rounds (each figure its median there). */
export interface Figures {
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
  /** The capacity scenario's steps, lowest offered rate first (empty for the other scenarios). */
  curve: CurvePoint[];
}

/** One run: a scenario against one server in one round. */
export interface Row extends Figures {
  /** 1-based round: the targets of a scenario run one after another in each round. */
  round: number;
}

/** A scenario and server over every round: each figure is the median; lost/repeated counts are the sum. */
export interface Summary extends Figures {
  rounds: number;
  /** Median, min and max over the rounds of each figure, by figure key (`cpuPerMillion`, `age.p99`, `extra.<name>`). */
  spread: Record<string, Spread>;
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

/** Each percentile's median over several summaries (rounds). */
export function medianAge(ages: readonly AgeSummary[]): AgeSummary {
  const med = (values: number[]): number => medianOrNull(values) ?? Number.NaN;
  return {
    p50: med(ages.map((a) => a.p50)),
    p99: med(ages.map((a) => a.p99)),
    p999: med(ages.map((a) => a.p999)),
    max: med(ages.map((a) => a.max)),
    samples: med(ages.map((a) => a.samples)),
  };
}
