// The capacity curve in the report: the knee target against bare Bun (per-round ratio, judged only on a knee found
// between two steps), the markdown section, and the SVG panels (p99 against delivered rate with the limit marked).
import { describe, expect, test } from 'bun:test';
import { KNEE_BOUND_CODE } from '../../bench/harness/capacity-curve.ts';
import type { Row } from '../../bench/harness/result.ts';
import type { TargetName } from '../../bench/harness/targets.ts';
import { renderChart } from '../../bench/report/chart-svg.ts';
import { renderMarkdown } from '../../bench/report/markdown.ts';
import { evaluateTargets } from '../../bench/report/targets.ts';
import { benchResult, curvePoint, row } from '../helpers/bench-rows.ts';

const GOAL = '≥ 0.9×';

/** A capacity run whose knee is `knee` (found between 400k and 600k unless `bound` says otherwise). */
function capacityRun(target: TargetName, round: number, knee: number, bound = KNEE_BOUND_CODE.found): Row {
  return row('capacity', target, {
    round,
    extra: {
      held: 100,
      receiving: 100,
      kneeDeliveriesPerS: knee,
      kneeStepDeliveriesPerS: 400_000,
      kneeBound: bound,
      capacitySteps: 3,
      p99LimitMs: 100,
    },
    curve: [curvePoint(200_000, 8), curvePoint(400_000, 20), curvePoint(600_000, 400, { loadCores: 1.9 })],
  });
}

const knees: Record<'lineage' | 'bun' | 'node', number[]> = {
  lineage: [450_000, 500_000, 480_000],
  bun: [500_000, 520_000, 500_000],
  node: [100_000, 90_000, 110_000],
};
const runs = [1, 2, 3].flatMap((round) =>
  (['lineage', 'bun', 'node'] as const).map((t) => capacityRun(t, round, knees[t][round - 1] as number)),
);
const result = benchResult(runs, 3);
const check = (rs: Row[]) => evaluateTargets(benchResult(rs, 3).rows, rs).find((c) => c.goal === GOAL);

describe('the capacity target', () => {
  test('met on the median of the per-round ratios lineage knee ÷ bare Bun knee', () => {
    // Per round 0.90, 0.96, 0.96.
    const c = check(runs);
    expect(c?.met).toBe(true);
    expect(c?.measured).toStartWith('0.96× (0.90–0.96×) (480,000 (450,000–500,000) vs 500,000 (500,000–520,000)');
    const slower = runs.map((r) =>
      r.target === 'lineage' ? { ...r, extra: { ...r.extra, kneeDeliveriesPerS: 400_000 } } : r,
    );
    expect(check(slower)?.met).toBe(false);
  });

  test('not judged when bare Bun kept up to the last step (its knee is only a lower bound) or failed the first', () => {
    const capped = runs.map((r) =>
      r.target === 'bun' && r.round === 2 ? capacityRun('bun', 2, 600_000, KNEE_BOUND_CODE['at-least']) : r,
    );
    const c = check(capped);
    expect(c?.met).toBeNull();
    expect(c?.measured).toContain('not between two steps in 1 of 3 rounds');
    const below = runs.map((r) => (r.target === 'bun' ? capacityRun('bun', r.round, 0, KNEE_BOUND_CODE.below) : r));
    expect(check(below)?.met).toBeNull();
  });
});

describe('the capacity section', () => {
  const md = renderMarkdown(result);

  test('each server: its knee with the range, ratios per round, the step and what was saturated where it ended', () => {
    expect(md).toContain('## Capacity');
    expect(md).toContain('### (i) Capacity curve: offered deliveries/s until p99 passes 100 ms');
    expect(md).toContain(
      '| Lineage | 480,000 (450,000–500,000) | 0.96× (0.90–0.96×) | 4.50× (4.36–5.56×) | 400,000 | p99 > 100 ms | load processes | 0.50 (main 0.40) / 1.90 (0.95 each) / 1.10 |',
    );
    expect(md).toContain('| bare Bun pub/sub | 500,000 (500,000–520,000) | 1× |');
  });

  test('the curve step by step, medians over rounds, with the rounds that kept up', () => {
    expect(md).toContain(
      '| Lineage | 3 | 400,000 | 396,000 | 10.0 | 20.0 | 10.0 | 0.50 (0.40) | 0.60 (0.30) | 1.10 | 3 / 3 |  |  |',
    );
    expect(md).toMatch(/\| Node \+ ws \| 2 \| 600,000 \| 594,000 \| .* \| 0 \/ 3 \| load processes \| p99 > 100 ms \|/);
  });
});

describe('the capacity panels of the SVG', () => {
  test('p99 against delivered deliveries/s, one line per server, the 100 ms limit and each knee marked', () => {
    const svg = renderChart(result);
    expect(svg).toContain('capacity: p99 event age against delivered rate');
    expect(svg).toContain('p99 100 ms');
    expect(svg).toContain('Lineage · knee 480,000/s');
    // A p99 line per server, then the main-thread and the load-process cores of each.
    expect(svg.match(/<polyline/g)?.length).toBe(3 + 6);
    expect(svg.match(/class="mark"/g)?.length).toBe(2);
    expect(svg.match(/class="pin"/g)?.length).toBe(3);
    expect(svg).not.toContain('held connections');
  });

  test('below the scale panels when the run has both', () => {
    const scale = row('scale', 'lineage', {
      stages: [1000, 10_000].map((connections) => ({
        connections,
        held: connections,
        receiving: connections,
        deliveriesPerS: connections * 10,
        age: { p50: 2, p99: 5, p999: 6, max: 7, samples: 10 },
        firstAge: { p50: 1, p99: 2, p999: 3, max: 4, samples: 10 },
        cpuPerMillion: 1,
        loadCpuPerMillion: 1,
        rssPerConnectionKB: 3,
      })),
    });
    const svg = renderChart(benchResult([scale, ...runs], 3));
    expect(svg).toContain('held connections');
    expect(svg).toContain('height="660"');
    expect(svg.match(/<polyline/g)?.length).toBe(2 + 9);
  });
});
