// The report: target checks and ratios from rows, table rendering, chart axes.
import { describe, expect, test } from 'bun:test';
import { PROFILES } from '../../bench/harness/profiles.ts';
import type { Row } from '../../bench/harness/result.ts';
import type { BenchResult } from '../../bench/harness/run-bench.ts';
import { niceTicks, renderChart } from '../../bench/report/chart-svg.ts';
import { renderMarkdown } from '../../bench/report/markdown.ts';
import { evaluateTargets } from '../../bench/report/targets.ts';

function row(scenario: Row['scenario'], target: Row['target'], over: Partial<Row> = {}): Row {
  return {
    scenario,
    target,
    connections: 1000,
    deliveriesPerS: 100_000,
    age: { p50: 5, p99: 10, p999: 12, max: 13, samples: 1000 },
    firstAge: { p50: 2, p99: 4, p999: 5, max: 6, samples: 100 },
    cpuPerMillion: 1,
    loadCpuPerMillion: 1.5,
    rssPerConnectionKB: null,
    connectsPerS: null,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    unassessable: 0,
    errors: {},
    extra: { held: 1000, receiving: 1000, eventsPerSPerClient: 100 },
    stages: [],
    ...over,
  };
}

const stage = (connections: number, p99: number, cpu: number) => ({
  connections,
  held: connections,
  receiving: connections,
  deliveriesPerS: connections * 10,
  age: { p50: p99 / 2, p99, p999: p99 * 1.2, max: p99 * 2, samples: 100 },
  firstAge: { p50: p99 / 4, p99: p99 / 2, p999: p99 / 2, max: p99, samples: 10 },
  cpuPerMillion: cpu,
  loadCpuPerMillion: cpu,
  rssPerConnectionKB: 3,
});

const rows: Row[] = [
  row('scale', 'lineage', {
    connections: 10_000,
    rssPerConnectionKB: 3.5,
    extra: { held: 10_000, receiving: 10_000 },
    stages: [stage(1000, 5, 1.2), stage(10_000, 20, 0.9)],
  }),
  row('scale', 'bun', {
    connections: 10_000,
    rssPerConnectionKB: 2,
    stages: [stage(1000, 4, 1), stage(10_000, 18, 0.8)],
  }),
  row('fanout', 'lineage', { cpuPerMillion: 1.1, age: { p50: 5, p99: 14, p999: 20, max: 25, samples: 1 } }),
  row('fanout', 'lineage-sim', { age: { p50: 5, p99: 16, p999: 20, max: 25, samples: 1 } }),
  row('fanout', 'bun', { cpuPerMillion: 1, age: { p50: 5, p99: 10, p999: 20, max: 25, samples: 1 } }),
  row('fanout', 'node', { cpuPerMillion: 10 }),
  row('churn', 'lineage', { extra: { rssBeforeMB: 100, rssAfterMB: 104, rssChangePct: 4 } }),
];

describe('evaluateTargets', () => {
  const checks = Object.fromEntries(evaluateTargets(rows).map((c) => [c.goal, c]));

  test('ratios against the reference servers', () => {
    expect(checks['≤ 1.25×']?.met).toBe(true); // 1.1 / 1
    expect(checks['≤ 1/8 (0.125×)']?.met).toBe(true); // 1.1 / 10
    expect(checks['≤ 1.5×']?.met).toBe(true); // 14 / 10
    expect(checks['≤ 1.5×']?.measured).toStartWith('1.40×');
  });

  test('scale, memory, simulation impact, churn and loss', () => {
    expect(checks['10,000 held · all receiving · 0 lost']?.met).toBe(true);
    expect(checks['≤ 8 KB']?.met).toBe(true);
    expect(checks['< +10%']?.met).toBe(false); // 16 vs 14 = +14%
    expect(checks['< +10%']?.measured).toStartWith('+14.3%');
    expect(checks['within 10%']?.met).toBe(true);
    expect(checks['0']?.met).toBe(true);
    const lossy = evaluateTargets([...rows, row('storm', 'node', { lost: 3 })]).find((c) => c.goal === '0');
    expect(lossy?.met).toBe(false);
    expect(lossy?.measured).toContain('storm/node: 3 lost');
  });
});

describe('rendering', () => {
  const result: BenchResult = {
    profile: PROFILES.smoke,
    startedAt: '2026-01-01T00:00:00.000Z',
    seconds: 12,
    machine: {
      cpus: 2,
      cpuModel: 'test',
      loadAverage: [0.1, 0.2, 0.3],
      bun: '1.4.5',
      node: 'v20',
      fdLimit: '20000',
      clkTck: 100,
    },
    rows,
  };

  test('markdown has the summary, ratios, targets and steps', () => {
    const md = renderMarkdown(result);
    for (const heading of [
      '## Summary',
      '## Lineage ÷ reference servers',
      '## Targets',
      '## Connection scale, step by step',
    ])
      expect(md).toContain(heading);
    expect(md).toContain('| (b) fan-out | Lineage | 1,000 | 100,000 |');
    expect(md).toContain('1.10×'); // CPU ÷ bare Bun on fan-out
  });

  test('the chart has one line per server in each panel', () => {
    const svg = renderChart(result);
    expect(svg.match(/<polyline/g)?.length).toBe(4);
    expect(svg).toContain('10,000');
  });

  test('nice axis ticks', () => {
    expect(niceTicks(9.3)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(230)).toEqual([0, 50, 100, 150, 200, 250]);
  });
});

describe('log axis', () => {
  test('1-2-5 ticks spanning the data', async () => {
    const { logTicks } = await import('../../bench/report/chart-svg.ts');
    expect(logTicks(3, 40)).toEqual([2, 5, 10, 20, 50]);
    expect(logTicks(0.8, 1.3)).toEqual([0.5, 1, 2]);
    expect(logTicks(0, 5)).toEqual([1, 10]);
  });
});
