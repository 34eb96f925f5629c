// Interleaved rounds: the run order, medians and ranges, per-round ratios, summaries over rounds, the load warning and
// the comparison with a previous result (either file format).
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { LOAD_PER_CORE_LIMIT, loadWarnings, OTHER_CPU_PER_CORE_LIMIT } from '../../bench/harness/machine-load.ts';
import { RESULTS } from '../../bench/harness/paths.ts';
import { PROFILES, SCENARIO_PARAMS } from '../../bench/harness/profiles.ts';
import { planRounds, runOrder } from '../../bench/harness/rounds.ts';
import { summaryOf } from '../../bench/harness/summary.ts';
import { compare, compareRows, readPrevious } from '../../bench/report/compare.ts';
import { changeRange, ratioRange, withRange } from '../../bench/report/format.ts';
import { ratioResults, roundRatio } from '../../bench/report/ratios.ts';
import { median, spreadOf } from '../../bench/stats/spread.ts';
import { row } from '../helpers/bench-rows.ts';

describe('median and range', () => {
  test('odd and even counts, unsorted input', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(spreadOf([1.4, 1.1, 1.3])).toEqual({ median: 1.3, min: 1.1, max: 1.4, n: 3 });
  });

  test('rounds without the figure (null, NaN) are left out, and counted out', () => {
    expect(spreadOf([2, null, Number.NaN, 4, undefined])).toEqual({ median: 3, min: 2, max: 4, n: 2 });
    expect(spreadOf([null, Number.NaN]).n).toBe(0);
  });

  test('rendered as median (min–max); one round or equal rounds render the value alone', () => {
    expect(withRange(1.3, spreadOf([1.1, 1.3, 1.4]))).toBe('1.30 (1.10–1.40)');
    expect(withRange(1.3, spreadOf([1.3]))).toBe('1.30');
    expect(withRange(2, spreadOf([2, 2, 2]))).toBe('2.00');
    expect(ratioRange(spreadOf([1.1, 1.3, 1.4]))).toBe('1.30× (1.10–1.40×)');
    expect(changeRange(spreadOf([1.05, 1.2, 1.1]))).toBe('+10.0% (+5.0% … +20.0%)');
  });
});

describe('interleaving', () => {
  test('per scenario, every target once per round, in the same order: A B C A B C', () => {
    const plan = planRounds(['fanout', 'storm'], (s) => (s === 'fanout' ? ['lineage', 'bun', 'node'] : ['lineage']), 3);
    expect(plan.map((p) => `${p.scenario}#${p.round}`)).toEqual([
      'fanout#1',
      'fanout#2',
      'fanout#3',
      'storm#1',
      'storm#2',
      'storm#3',
    ]);
    expect(runOrder(plan).map((r) => `${r.scenario}:${r.target}@${r.round}`)).toEqual([
      'fanout:lineage@1',
      'fanout:bun@1',
      'fanout:node@1',
      'fanout:lineage@2',
      'fanout:bun@2',
      'fanout:node@2',
      'fanout:lineage@3',
      'fanout:bun@3',
      'fanout:node@3',
      'storm:lineage@1',
      'storm:lineage@2',
      'storm:lineage@3',
    ]);
  });

  test('a scenario without a target left is skipped; rounds must be positive', () => {
    expect(planRounds(['fanout', 'scale'], (s) => (s === 'scale' ? [] : ['bun']), 1)).toHaveLength(1);
    expect(() => planRounds(['fanout'], () => ['bun'], 0)).toThrow();
  });

  test('profiles: the full one runs at least three rounds, each scenario has its parameters', () => {
    expect(PROFILES.full.rounds).toBeGreaterThanOrEqual(3);
    for (const p of Object.values(PROFILES))
      for (const key of Object.values(SCENARIO_PARAMS)) expect(p[key]).toBeDefined();
  });
});

describe('per-round ratios', () => {
  const runs = [
    row('fanout', 'lineage', { round: 1, cpuPerMillion: 2 }),
    row('fanout', 'bun', { round: 1, cpuPerMillion: 1 }),
    row('fanout', 'lineage', { round: 2, cpuPerMillion: 3 }),
    row('fanout', 'bun', { round: 2, cpuPerMillion: 2 }),
    row('fanout', 'lineage', { round: 3, cpuPerMillion: 4 }),
    // Round 3 has no bare Bun run: it gives no ratio.
  ];

  test('same round against same round, then median (min–max)', () => {
    expect(roundRatio(runs, 'fanout', 'lineage', 'bun', 'cpuPerMillion')).toEqual({
      median: 1.75,
      min: 1.5,
      max: 2,
      n: 2,
    });
    expect(roundRatio(runs, 'fanout', 'lineage', 'node', 'cpuPerMillion').n).toBe(0);
  });

  test('the JSON list has only the ratios the run can give', () => {
    const r = ratioResults(runs);
    expect(r.map((x) => `${x.target}/${x.reference}:${x.figure}`)).toContain('lineage/bun:cpuPerMillion');
    expect(r.every((x) => x.spread.n > 0)).toBe(true);
  });
});

describe('summary over rounds', () => {
  test('medians of figures and extras, loss and errors summed, scale steps lined up', () => {
    const s = summaryOf([
      row('scale', 'lineage', {
        round: 1,
        cpuPerMillion: 1,
        lost: 0,
        errors: { a: 1 },
        extra: { x: 10 },
        stages: [{ ...stage(100), cpuPerMillion: 1 }],
      }),
      row('scale', 'lineage', {
        round: 2,
        cpuPerMillion: 3,
        lost: 2,
        errors: { a: 2, b: 1 },
        extra: { x: 30 },
        stages: [{ ...stage(100), cpuPerMillion: 5 }],
      }),
      row('scale', 'lineage', {
        round: 3,
        cpuPerMillion: 2,
        lost: 1,
        errors: {},
        extra: { x: 20 },
        stages: [{ ...stage(100), cpuPerMillion: 3 }],
      }),
    ]);
    expect(s.rounds).toBe(3);
    expect(s.cpuPerMillion).toBe(2);
    expect(s.spread.cpuPerMillion).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(s.extra.x).toBe(20);
    expect(s.spread['extra.x']).toEqual({ median: 20, min: 10, max: 30, n: 3 });
    expect(s.lost).toBe(3);
    expect(s.errors).toEqual({ a: 3, b: 1 });
    expect(s.stages.map((x) => [x.connections, x.cpuPerMillion])).toEqual([[100, 3]]);
  });
});

function stage(connections: number) {
  const age = { p50: 1, p99: 2, p999: 3, max: 4, samples: 5 };
  return {
    connections,
    held: connections,
    receiving: connections,
    deliveriesPerS: 1,
    age,
    firstAge: age,
    cpuPerMillion: 1,
    loadCpuPerMillion: 1,
    rssPerConnectionKB: 1,
  };
}

describe('load warning', () => {
  const quiet = { loadAverage1m: 0.2, otherCores: 0.05, cpus: 2, firstRound: true };

  test('before the first round: above half a task per core', () => {
    expect(loadWarnings(quiet)).toEqual([]);
    expect(loadWarnings({ ...quiet, loadAverage1m: LOAD_PER_CORE_LIMIT * 2 })).toEqual([]);
    const [w] = loadWarnings({ ...quiet, loadAverage1m: 1.2 });
    expect(w).toContain('load average 1.20');
  });

  test('later rounds: the load average remembers the bench itself, so only other processes count', () => {
    expect(loadWarnings({ ...quiet, firstRound: false, loadAverage1m: 1.8 })).toEqual([]);
    expect(loadWarnings({ ...quiet, firstRound: false, otherCores: OTHER_CPU_PER_CORE_LIMIT * 2 })).toEqual([]);
    const [w] = loadWarnings({ ...quiet, firstRound: false, otherCores: 0.6 });
    expect(w).toContain('other processes used 0.60 cores');
    expect(loadWarnings({ ...quiet, otherCores: null })).toEqual([]);
  });
});

describe('comparison with the previous result', () => {
  const now = [
    summaryOf([
      row('fanout', 'lineage', { cpuPerMillion: 1.3, deliveriesPerS: 100_000, extra: { bytesPerDelivery: 100 } }),
    ]),
  ];

  test('the old one-run format is read as one round', () => {
    const old = readPrevious(
      { profile: { fanout: { connections: 1000 } }, startedAt: 'then', rows: [row('fanout', 'lineage')] },
      'HEAD:x',
    );
    expect(old?.format).toBe(1);
    expect(old?.rounds).toBe(1);
    expect(old?.rows).toHaveLength(1);
    expect(readPrevious({ nothing: true }, 'x')).toBeNull();
    const v2 = readPrevious({ format: 2, rounds: 3, rows: now, profile: {} }, 'y');
    expect(v2?.format).toBe(2);
    expect(v2?.rounds).toBe(3);
  });

  test('now ÷ before per figure; a move the wrong way past 10% is flagged, either direction', () => {
    const before = [row('fanout', 'lineage', { cpuPerMillion: 1, deliveriesPerS: 80_000 })];
    const changes = compareRows(now, before);
    const cpu = changes.find((c) => c.figure === 'cpuPerMillion');
    expect(cpu?.ratio).toBeCloseTo(1.3);
    expect(cpu?.worse).toBe(true);
    const rate = changes.find((c) => c.figure === 'deliveriesPerS');
    expect(rate?.ratio).toBeCloseTo(1.25);
    expect(rate?.worse).toBe(false);
    // A figure the old file did not have is not compared.
    expect(changes.find((c) => c.figure === 'extra.bytesPerDelivery')).toBeUndefined();
    const slower = compareRows(now, [row('fanout', 'lineage', { cpuPerMillion: 1.3, deliveriesPerS: 120_000 })]);
    expect(slower.find((c) => c.figure === 'deliveriesPerS')?.worse).toBe(true);
    expect(slower.find((c) => c.figure === 'cpuPerMillion')?.worse).toBe(false);
  });

  test('the committed full run reads (whichever format it is in) and compares with itself at 1×', () => {
    const previous = readPrevious(JSON.parse(readFileSync(`${RESULTS}full.json`, 'utf8')), 'full.json');
    if (previous === null) throw new Error('bench/results/full.json is not a bench result');
    expect(previous.rows.length).toBeGreaterThan(0);
    const changes = compareRows(previous.rows, previous.rows);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.ratio === 1 && !c.worse)).toBe(true);
  });

  test('scenarios run with other parameters are named', () => {
    const previous = readPrevious({ rows: [row('fanout', 'lineage')], profile: { fanout: { connections: 1 } } }, 'p');
    if (previous === null) throw new Error('not read');
    const c = compare({ rows: now, profile: { fanout: { connections: 2 } } }, previous, SCENARIO_PARAMS);
    expect(c.paramsDiffer).toEqual(['fanout']);
    expect(
      compare({ rows: now, profile: { fanout: { connections: 1 } } }, previous, SCENARIO_PARAMS).paramsDiffer,
    ).toEqual([]);
  });
});
