// This run against the last committed one: each figure's median now ÷ before, flagged when it moved the wrong way.
import { type Figure, figureOf } from '../harness/figures.ts';
import type { Figures, ScenarioName } from '../harness/result.ts';
import type { TargetName } from '../harness/targets.ts';

/** A change beyond this share in the worse direction is flagged (run-to-run noise has been ±15 points at worst). */
export const WORSE_BY = 0.1;

/** The compared figures the report shows side by side with the previous run's, one column each. */
export const COMPARED_COLUMNS: readonly string[] = [
  'deliveriesPerS',
  'age.p99',
  'firstAge.p99',
  'cpuPerMillion',
  'rssPerConnectionKB',
  'connectsPerS',
  'extra.bytesPerDelivery',
];

/** The figures compared (percentages and counts are left out: their ratio says little). */
export const COMPARED: readonly string[] = [
  ...COMPARED_COLUMNS,
  'extra.serverCores',
  'extra.reconnectP99Ms',
  'extra.ackP99Ms',
  'extra.slowEventsPerSPerClient',
  'extra.kneeDeliveriesPerS',
];

/** A previous result as read from its file: one summary (or, in the old one-run format, one run) per row. */
export interface Previous {
  source: string;
  startedAt: string | null;
  /** 1: the old format, one run per scenario and server (read as one round). */
  format: 1 | 2;
  rounds: number;
  rows: Figures[];
  /** Its profile's parameters, to tell when a scenario was not run the same way. */
  profile: Record<string, unknown> | null;
}

export interface Change {
  scenario: ScenarioName;
  target: TargetName;
  figure: string;
  label: string;
  now: number;
  before: number;
  /** now ÷ before. */
  ratio: number;
  worse: boolean;
}

export interface Comparison {
  source: string;
  startedAt: string | null;
  format: 1 | 2;
  rounds: number;
  /** Scenarios whose parameters differ between the two runs (their figures are not like for like). */
  paramsDiffer: string[];
  changes: Change[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Read a results file's JSON (either format); null when it is not one. */
export function readPrevious(json: unknown, source: string): Previous | null {
  if (!isObject(json) || !Array.isArray(json.rows)) return null;
  const rows = json.rows.filter(
    (r): r is Figures => isObject(r) && typeof r.scenario === 'string' && typeof r.target === 'string',
  );
  const format = json.format === 2 ? 2 : 1;
  return {
    source,
    startedAt: typeof json.startedAt === 'string' ? json.startedAt : null,
    format,
    rounds: format === 2 && typeof json.rounds === 'number' ? json.rounds : 1,
    rows: rows.map((r) => ({
      ...r,
      extra: isObject(r.extra) ? r.extra : {},
      curve: Array.isArray(r.curve) ? r.curve : [],
    })),
    profile: isObject(json.profile) ? json.profile : null,
  };
}

function changeOf(now: Figures, before: Figures, f: Figure): Change | null {
  const a = f.get(now);
  const b = f.get(before);
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  const ratio = a / b;
  const worse = f.better === 'lower' ? ratio > 1 + WORSE_BY : ratio < 1 - WORSE_BY;
  return { scenario: now.scenario, target: now.target, figure: f.key, label: f.label, now: a, before: b, ratio, worse };
}

/** Each compared figure of each scenario and server found in both runs. */
export function compareRows(now: readonly Figures[], before: readonly Figures[]): Change[] {
  const out: Change[] = [];
  for (const r of now) {
    const b = before.find((x) => x.scenario === r.scenario && x.target === r.target);
    if (b === undefined) continue;
    for (const key of COMPARED) {
      const c = changeOf(r, b, figureOf(key));
      if (c !== null) out.push(c);
    }
  }
  return out;
}

/** The whole comparison, with the scenarios whose parameters changed named. */
export function compare(
  now: { rows: readonly Figures[]; profile: object },
  previous: Previous,
  paramsOf: Readonly<Record<string, string>>,
): Comparison {
  const scenarios = [...new Set(now.rows.map((r) => r.scenario))];
  const nowProfile = now.profile as Record<string, unknown>;
  const paramsDiffer = scenarios.filter((s) => {
    const key = paramsOf[s];
    return (
      key !== undefined &&
      previous.profile !== null &&
      JSON.stringify(previous.profile[key]) !== JSON.stringify(nowProfile[key])
    );
  });
  return {
    source: previous.source,
    startedAt: previous.startedAt,
    format: previous.format,
    rounds: previous.rounds,
    paramsDiffer,
    changes: compareRows(now.rows, previous.rows),
  };
}
