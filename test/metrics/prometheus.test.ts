// The real server scraped by a real Prometheus: every seed metric, the seed's PromQL, every dashboard query, the alerts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { TestClient } from '../helpers/clients.ts';
import { type PrometheusProcess, startPrometheus } from '../helpers/prometheus.ts';
import { ROOT, type ServerProcess, startServer } from '../helpers/server-process.ts';

// Seed 5 keeps the seed's Balanced, Momentum and Conservative alive through the first rounds (the model is deterministic).
const ARGS = [
  '--seed',
  '5',
  '--agents',
  '8',
  '--market-interval-ms',
  '50',
  '--market-data',
  'off',
  '--agent-interval-ms',
  '100',
  '--arena-round-ms',
  '2000',
];

export const SEED_METRICS: Record<string, string> = {
  lineage_cache_hit_rate: 'gauge',
  lineage_request_success_rate: 'gauge',
  lineage_api_errors_total: 'counter',
  lineage_agent_capital: 'gauge',
  lineage_agent_trades_total: 'counter',
  lineage_agent_win_rate: 'gauge',
  lineage_agent_scars_total: 'counter',
  lineage_arena_rounds_total: 'counter',
  lineage_arena_agent_wins_total: 'counter',
  lineage_arena_agent_final_capital: 'gauge',
  lineage_active_connections: 'gauge',
  lineage_messages_broadcast_total: 'counter',
  lineage_uptime_seconds: 'gauge',
};

const SEED_QUERIES = [
  'lineage_agent_capital{agent="Balanced"}',
  'lineage_agent_win_rate',
  'rate(lineage_api_errors_total[5m])',
  'avg(lineage_agent_capital)',
  'topk(3, lineage_agent_capital)',
  'lineage_agent_capital',
  'lineage_request_success_rate',
];
const SEED_ALERTS = ['lineage_agent_capital < 50000', 'lineage_cache_hit_rate < 90'];

let server: ServerProcess;
let prom: PrometheusProcess;
let client: TestClient;
let exposition = '';

beforeAll(async () => {
  server = await startServer(ARGS);
  client = await TestClient.open(server.url, 'ws');
  const target = server.metrics.replace('http://', '');
  prom = await startPrometheus([target], [`${ROOT}grafana/alerts.yml`]);
  // Wait for a completed arena round and a few scrapes, so rates and final capital have data.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await prom.query(
      'lineage_arena_rounds_total > 0 and on() count_over_time(lineage_uptime_seconds[1m]) >= 4',
    );
    if (r.status === 'success' && (r.data?.result.length ?? 0) > 0) break;
    if (Date.now() > deadline) throw new Error('prometheus never saw an arena round');
    await Bun.sleep(250);
  }
  exposition = await (await fetch(`${server.metrics}/metrics`)).text();
}, 60_000);

afterAll(async () => {
  client?.close();
  await prom?.stop();
  await server?.stop('SIGKILL');
});

describe('/metrics', () => {
  test('every metric the seed names is there with HELP text and the right type', () => {
    for (const [name, type] of Object.entries(SEED_METRICS)) {
      expect(exposition).toContain(`# TYPE ${name} ${type}`);
      expect(exposition).toMatch(new RegExp(`# HELP ${name} \\S`));
      expect(exposition).toMatch(new RegExp(`^${name}(\\{[^}]*\\})? `, 'm'));
    }
    for (const agent of ['Balanced', 'Momentum', 'Conservative'])
      expect(exposition).toContain(`lineage_agent_capital{agent="${agent}"}`);
  });

  test('rates are percentages and win rates fractions', () => {
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(exposition)?.[1]);
    expect(value('lineage_cache_hit_rate')).toBeGreaterThan(1);
    expect(value('lineage_cache_hit_rate')).toBeLessThanOrEqual(100);
    expect(value('lineage_request_success_rate')).toBeGreaterThan(50);
    for (const m of exposition.matchAll(/^lineage_agent_win_rate\{[^}]*\} (\S+)$/gm)) {
      expect(Number(m[1])).toBeGreaterThanOrEqual(0);
      expect(Number(m[1])).toBeLessThanOrEqual(1);
    }
  });

  test('the operator metrics beyond the seed are exported', () => {
    for (const name of [
      'lineage_fanout_latency_seconds_bucket',
      'lineage_simulation_step_seconds_bucket',
      'lineage_topic_subscribers',
      'lineage_slow_consumers_closed_total',
      'lineage_resume_requests_total',
      'lineage_frames_rejected_total',
      'lineage_upgrades_rejected_total',
      'lineage_event_loop_lag_seconds_bucket',
      'lineage_process_heap_bytes',
      'lineage_process_resident_memory_bytes',
    ]) {
      expect(exposition).toContain(name);
    }
  });

  test('passes promtool check metrics', async () => {
    const proc = Bun.spawn(['promtool', 'check', 'metrics'], {
      stdin: new Blob([exposition]),
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(`${out}${err}`.trim()).toBe('');
    expect(code).toBe(0);
  });
});

describe('a real Prometheus scraping the real server', () => {
  test('every PromQL query of the seed guide returns data', async () => {
    for (const q of SEED_QUERIES) {
      const r = await prom.query(q);
      expect({ q, status: r.status }).toEqual({ q, status: 'success' });
      expect({ q, n: (r.data?.result.length ?? 0) > 0 }).toEqual({ q, n: true });
    }
    for (const q of SEED_ALERTS) expect((await prom.query(q)).status).toBe('success');
  });

  test('every query of every dashboard panel returns data', async () => {
    const dashboard = await Bun.file(`${ROOT}grafana/dashboards/lineage.json`).json();
    let checked = 0;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const expr = String(target.expr).replaceAll('$instance', '.*').replaceAll('$__rate_interval', '1m');
        const r = await prom.query(expr);
        expect({ panel: panel.title, expr, status: r.status }).toEqual({ panel: panel.title, expr, status: 'success' });
        expect({ panel: panel.title, expr, data: (r.data?.result.length ?? 0) > 0 }).toEqual({
          panel: panel.title,
          expr,
          data: true,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(16);
    const variable = await prom.query('count by (instance) (lineage_uptime_seconds)');
    expect(variable.data?.result.length).toBe(1);
  });

  test('the alert rules load and evaluate against real data', async () => {
    const res = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as any;
    const rules = res.data.groups.flatMap((g: any) => g.rules);
    expect(rules.map((r: any) => r.name).sort()).toEqual([
      'LineageAgentCapitalLow',
      'LineageApiErrorRateHigh',
      'LineageCacheHitRateLow',
      'LineageDown',
      'LineageSlowConsumers',
    ]);
    for (const rule of rules) {
      expect({ rule: rule.name, health: rule.health }).toEqual({ rule: rule.name, health: 'ok' });
      expect((await prom.query(rule.query)).status).toBe('success');
    }
  });
});
