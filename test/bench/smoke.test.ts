// CI smoke run of the bench: every scenario (SCENARIOS: a new one is run here too) at tiny scale against each of its
// servers — 0 lost, 0 repeated — and two interleaved rounds summarized.
import { describe, expect, test } from 'bun:test';
import { KNEE_BOUND_CODE } from '../../bench/harness/capacity-curve.ts';
import { PROFILES } from '../../bench/harness/profiles.ts';
import { type Figures, type Row, SCENARIOS } from '../../bench/harness/result.ts';
import { runBench, SCENARIO_TARGETS } from '../../bench/harness/run-bench.ts';
import { summarizeRounds } from '../../bench/harness/summary.ts';
import { renderChart } from '../../bench/report/chart-svg.ts';
import { renderMarkdown } from '../../bench/report/markdown.ts';

const finite = (n: number | null) => n !== null && Number.isFinite(n);

function expectSound(row: Figures): void {
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
  expect(finite(row.extra.bytesPerDelivery ?? null)).toBe(true);
  expect(row.extra.receiving).toBe(row.extra.held as number);
  expect(row.extra.checkedWindows).toBeGreaterThan(0);
}

/** The smoke curve runs every step (all far below a knee), each delivering what it offered, the knee a lower bound. */
function expectCurve(row: Figures): void {
  const where = `capacity/${row.target}`;
  const c = PROFILES.smoke.capacity;
  const offered = c.intervalsMs.map((ms) => (c.connections * c.symbols * 1000) / ms);
  expect({ where, steps: row.curve.map((p) => [p.intervalMs, p.offeredPerS, p.failure]) }).toEqual({
    where,
    steps: c.intervalsMs.map((ms) => [ms, (c.connections * c.symbols * 1000) / ms, '']),
  });
  for (const p of row.curve) {
    expect(p.deliveriesPerS).toBeGreaterThan(p.offeredPerS * 0.7);
    expect(p.deliveriesPerS).toBeLessThan(p.offeredPerS * 1.3);
    expect(p.age.p99).toBeLessThanOrEqual(c.p99LimitMs);
    expect(p.held).toBe(c.connections);
    for (const cores of [p.serverCores, p.serverMainCores, p.loadCores, p.machineCores])
      expect(Number.isFinite(cores)).toBe(true);
  }
  expect(row.extra.kneeBound).toBe(KNEE_BOUND_CODE['at-least']);
  expect(row.extra.kneeDeliveriesPerS).toBe(offered[offered.length - 1] as number);
}

/** The box and the single node beside it: every connection held and receiving, on every process of the box. */
function expectBoxRow(row: Figures): void {
  const p = PROFILES.smoke.box;
  const box = row.target === 'lineage-box';
  const connections = box ? p.connections : p.connections / p.gateways;
  const nodes = box ? p.gateways : 1;
  const loaders = Math.ceil(connections / p.perLoader);
  expect(row.connections).toBe(connections);
  expect([row.extra.held, row.extra.receiving, row.extra.failedConnects]).toEqual([connections, connections, 0]);
  expect(row.extra.nodes).toBe(nodes);
  const counts = Array.from({ length: nodes }, (_, i) => row.extra[`node${i + 1}Connections`] as number);
  // Each process's own count: the clients plus one reference connection per load process, all of them somewhere.
  expect(counts.reduce((a, n) => a + n, 0)).toBe(connections + loaders);
  // The kernel spread the box's connections over both gateways (all 42 on one: probability 2 × 2^-42).
  for (const n of counts) expect(n).toBeGreaterThan(0);
  for (let i = 1; i <= nodes; i++) {
    expect(finite(row.extra[`node${i}RssPerConnectionKB`] ?? null)).toBe(true);
    expect(finite(row.extra[`node${i}CpuPerMillion`] ?? null)).toBe(true);
  }
  expect(finite(row.rssPerConnectionKB)).toBe(true);
  if (box) {
    expect(finite(row.extra.simCpuPerMillion ?? null)).toBe(true);
    // The gateways read the window's events from Redis (their read-lag histogram moved).
    expect(row.extra.gatewayReadAgeMs).toBeGreaterThan(0);
  }
}

describe('bench smoke (tiny scale, every server)', () => {
  const runs: Row[] = [];
  for (const scenario of SCENARIOS) {
    test(scenario, async () => {
      const result = await runBench({ profile: 'smoke', scenarios: [scenario], log: () => {} });
      expect(result.rows.map((r) => r.target)).toEqual(SCENARIO_TARGETS[scenario]);
      expect(result.loads.map((l) => [l.scenario, l.round])).toEqual([[scenario, 1]]);
      for (const row of result.rows) {
        expectSound(row);
        if (scenario === 'scale') {
          expect(finite(row.rssPerConnectionKB)).toBe(true);
          expect(row.stages.length).toBeGreaterThan(1);
        }
        if (['scale', 'churn', 'storm', 'box'].includes(scenario)) expect(finite(row.connectsPerS)).toBe(true);
        if (scenario === 'box') expectBoxRow(row);
        if (scenario === 'churn') expect(finite(row.extra.rssChangePct ?? null)).toBe(true);
        if (scenario === 'churn') expect(finite(row.extra.rssGrowthAfterCycle1Pct ?? null)).toBe(true);
        // A practice cycle ran before the window; its memory is read like the measured cycles' (1 + 2 readings).
        if (scenario === 'churn') expect([row.extra.practiceCycles, row.extra.cycles]).toEqual([1, 3]);
        if (scenario === 'churn') expect(finite(row.extra.rssCycle3MB ?? null)).toBe(true);
        // Lineage's heap after each cycle: the live heap on the run that collects before each reading.
        if (scenario === 'churn' && row.target.startsWith('lineage')) {
          expect(row.extra.heapLive).toBe(row.target === 'lineage-gc' ? 1 : 0);
          expect(finite(row.extra.heapGrowthAfterCycle1Pct ?? null)).toBe(true);
        }
        if (scenario === 'storm') expect(row.extra.failedReconnects).toBe(0);
        // A practice storm ran before the window (every server), and only the window's rounds are reported.
        if (scenario === 'storm') expect([row.extra.practiceRounds, row.extra.rounds]).toEqual([1, 2]);
        if (scenario === 'fanout') expect(row.extra.warmupCpuPerMillion).toBeGreaterThanOrEqual(0);
        if (scenario === 'capacity') expectCurve(row);
        if (scenario === 'slow-reader' && row.target !== 'lineage-busy') {
          expect(row.extra.slowClients).toBe(2);
          expect(row.extra.slowEventsPerSPerClient).toBeGreaterThan(0);
          expect(row.extra.slowFailedReconnects).toBe(0);
          if (row.target === 'lineage-slow-conflated') expect(row.extra.slowConflatedPerSPerClient).toBeGreaterThan(0);
        }
        if (scenario === 'realistic') {
          // A fifth of the 20 clients hold a book and its trades; every client's window is checked on its own topics.
          expect(row.extra.bookClients).toBe(4);
          expect(row.extra.checkedWindows).toBe(20);
          expect(row.extra.serverSymbols).toBe(row.target === 'lineage-realistic' ? 50 : 4);
        }
      }
      if (scenario === 'compression') {
        const bytes = (t: string) => result.rows.find((r) => r.target === t)?.extra.bytesPerDelivery ?? Number.NaN;
        // A window carried over makes small, similar frames far smaller on the wire.
        expect(bytes('lineage-compression-dedicated')).toBeLessThan(bytes('lineage-compression-off') / 2);
      }
      if (scenario === 'realistic') {
        const md = renderMarkdown(result);
        expect(md).toContain('## Realistic load');
        expect(md).toMatch(/Realistic load \(1,000 agents.*fan-out p99 event age \| ≤ \+10% \(1\.10×\) \| [+−-]/);
      }
      runs.push(...result.runs);
      // The report renders from these runs.
      const all = { ...result, runs, rows: summarizeRounds(runs) };
      const md = renderMarkdown(all);
      expect(md).toContain('| scenario | server |');
      const svg = renderChart(all);
      expect(svg).toStartWith('<svg');
      if (scenario === 'capacity') {
        expect(md).toContain('### (i) Capacity curve');
        expect(md).toMatch(/^\| Capacity knee .* \| ≥ 0\.9× \| [\d.]+× /m);
        // The capacity panel below the scale panels: a p99 line per server, the 100 ms limit, each knee.
        expect(svg).toContain('capacity: p99 event age against delivered rate');
        expect(svg).toContain('p99 100 ms');
        expect(svg.match(/class="pin"/g)?.length).toBe(SCENARIO_TARGETS.capacity.length);
      }
    }, 60_000);
  }
});

describe('bench smoke, interleaved rounds', () => {
  test('two rounds: A B A B, one load record per round, each figure summarized over both', async () => {
    const result = await runBench({
      profile: 'smoke',
      scenarios: ['fanout'],
      targets: ['lineage', 'bun'],
      rounds: 2,
      log: () => {},
    });
    expect(result.runs.map((r) => `${r.target}@${r.round}`)).toEqual(['lineage@1', 'bun@1', 'lineage@2', 'bun@2']);
    expect(result.loads.map((l) => l.round)).toEqual([1, 2]);
    for (const l of result.loads) expect(Number.isFinite(l.loadAverage1m)).toBe(true);
    for (const row of result.rows) {
      expectSound(row);
      expect(row.rounds).toBe(2);
      expect(row.spread.cpuPerMillion?.n).toBe(2);
    }
    const md = renderMarkdown(result);
    expect(md).toContain('**2 rounds**');
    // The ratios row of fan-out: Lineage ÷ bare Bun per round, then its median (with the rounds' range when they
    // differ). The p99 ratio is asserted: in a smoke window bare Bun's CPU can stay under one 10 ms clock tick, and its
    // CPU ratio is then "–".
    expect(md).toMatch(/^\| \(b\) fan-out \| (–|[\d.]+×[^|]*) \| [^|]+ \| [^|]+ \| [\d.]+×( \([\d.]+–[\d.]+×\))? \|/m);
  }, 60_000);
});
