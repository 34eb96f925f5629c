// CI smoke run of the bench: every scenario at tiny scale against Lineage and both reference servers — 0 lost, 0 repeated.
import { describe, expect, test } from 'bun:test';
import type { Row, ScenarioName } from '../../bench/harness/result.ts';
import { runBench, SCENARIO_TARGETS } from '../../bench/harness/run-bench.ts';
import { renderChart } from '../../bench/report/chart-svg.ts';
import { renderMarkdown } from '../../bench/report/markdown.ts';

const finite = (n: number | null) => n !== null && Number.isFinite(n);

function expectSound(row: Row): void {
  const where = `${row.scenario}/${row.target}`;
  expect({
    where,
    lost: row.lost,
    duplicated: row.duplicated,
    unexpected: row.unexpected,
    unassessable: row.unassessable,
    errors: row.errors,
  }).toEqual({
    where,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    unassessable: 0,
    errors: {},
  });
  for (const [name, value] of Object.entries({
    deliveriesPerS: row.deliveriesPerS,
    p50: row.age.p50,
    p99: row.age.p99,
    p999: row.age.p999,
    cpu: row.cpuPerMillion,
    loadCpu: row.loadCpuPerMillion,
  })) {
    expect({ where, name, finite: finite(value) }).toEqual({ where, name, finite: true });
  }
  expect(row.deliveriesPerS).toBeGreaterThan(0);
  expect(row.extra.receiving).toBe(row.extra.held as number);
  expect(row.extra.checkedWindows).toBeGreaterThan(0);
}

describe('bench smoke (tiny scale, every server)', () => {
  const rows: Row[] = [];
  for (const scenario of ['scale', 'fanout', 'churn', 'storm'] as ScenarioName[]) {
    test(scenario, async () => {
      const result = await runBench({ profile: 'smoke', scenarios: [scenario], log: () => {} });
      expect(result.rows.map((r) => r.target)).toEqual(SCENARIO_TARGETS[scenario]);
      for (const row of result.rows) {
        expectSound(row);
        if (scenario === 'scale') {
          expect(finite(row.rssPerConnectionKB)).toBe(true);
          expect(row.stages.length).toBeGreaterThan(1);
        }
        if (scenario !== 'fanout') expect(finite(row.connectsPerS)).toBe(true);
        if (scenario === 'churn') expect(finite(row.extra.rssChangePct ?? null)).toBe(true);
        if (scenario === 'storm') expect(row.extra.failedReconnects).toBe(0);
      }
      rows.push(...result.rows);
      // The report renders from these rows.
      const md = renderMarkdown({ ...result, rows });
      expect(md).toContain('| scenario | server |');
      expect(renderChart({ ...result, rows })).toStartWith('<svg');
    }, 60_000);
  }
});
