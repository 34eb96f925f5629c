// grafana/: Prometheus config, alert rules (promtool), provisioning and the dashboard's structure.
import { describe, expect, test } from 'bun:test';
import { ROOT } from '../helpers/server-process.ts';

const G = `${ROOT}grafana`;
async function promtool(...args: string[]): Promise<{ code: number; out: string }> {
  const proc = Bun.spawn(['promtool', ...args], { cwd: G, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out: out + err };
}

describe('prometheus config and alert rules', () => {
  test('promtool check config (both configs) and check rules pass', async () => {
    for (const file of ['prometheus.yml', 'prometheus.docker.yml', 'prometheus.cluster.yml']) {
      const r = await promtool('check', 'config', file);
      expect({ file, code: r.code, out: r.out }).toMatchObject({ file, code: 0 });
    }
    const rules = await promtool('check', 'rules', 'alerts.yml');
    expect(rules.code).toBe(0);
    expect(rules.out).toContain('7 rules found');
  });

  test('promtool test rules: every alert is unit-tested and passes', async () => {
    const r = await promtool('test', 'rules', 'alerts.test.yml');
    expect({ code: r.code, out: r.out }).toMatchObject({ code: 0 });
    const tests = await Bun.file(`${G}/alerts.test.yml`).text();
    const rules = await Bun.file(`${G}/alerts.yml`).text();
    for (const m of rules.matchAll(/- alert: (\w+)/g)) expect(tests).toContain(`alertname: ${m[1]}`);
  });

  test("the seed's scrape config: job lineage, target 9184, 15 s, /metrics", async () => {
    const text = await Bun.file(`${G}/prometheus.yml`).text();
    expect(text).toContain("job_name: 'lineage'");
    expect(text).toContain("targets: ['127.0.0.1:9184']");
    expect(text).toContain("metrics_path: '/metrics'");
    expect(text).toContain('scrape_interval: 15s');
    expect(text).toContain('scrape_timeout: 5s');
  });
});

describe('grafana dashboard', () => {
  test('datasource uid matches the provisioned one; every panel has a query; ids are unique', async () => {
    const provisioned = await Bun.file(`${G}/provisioning/datasources/prometheus.yml`).text();
    const uid = /uid: (\S+)/.exec(provisioned)?.[1];
    expect(uid).toBe('lineage-prometheus');
    const dash = await Bun.file(`${G}/dashboards/lineage.json`).json();
    const ids = dash.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dash.panels) {
      expect({ panel: p.title, uid: p.datasource?.uid }).toEqual({ panel: p.title, uid });
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) {
        expect(t.expr.length).toBeGreaterThan(0);
        expect(t.datasource.uid).toBe(uid);
        expect(t.expr).toContain('instance=~"$instance"');
      }
      expect(p.gridPos.w).toBeGreaterThan(0);
    }
    const variable = dash.templating.list.find((v: any) => v.name === 'instance');
    expect(variable.datasource.uid).toBe(uid);
    expect(variable.includeAll && variable.multi).toBe(true);
  });

  test("the seed's panels are there as the seed describes them", async () => {
    const dash = await Bun.file(`${G}/dashboards/lineage.json`).json();
    const byTitle = (t: string) => dash.panels.find((p: any) => p.title === t);
    const capital = byTitle('Agent capital');
    expect(capital.type).toBe('timeseries');
    expect(capital.targets[0].expr).toStartWith('lineage_agent_capital');
    expect(capital.targets[0].legendFormat).toBe('{{agent}}');
    const win = byTitle('Win rate');
    expect(win.type).toBe('gauge');
    expect(win.fieldConfig.defaults.unit).toBe('percentunit');
    const success = byTitle('API success rate');
    expect(success.type).toBe('stat');
    expect(success.targets[0].expr).toStartWith('lineage_request_success_rate');
    expect(
      success.fieldConfig.defaults.thresholds.steps.map((s: any) => s.value).filter((v: any) => v !== null),
    ).toEqual([90, 95, 99]);
    for (const t of ['Connections', 'Messages broadcast / s', 'Fan-out latency p99', 'Arena wins', 'Scars'])
      expect(byTitle(t)).toBeDefined();
  });

  test('the order-book panels: spread, depth per side, trades/s, resting orders, matching p99, volume, top of book', async () => {
    const dash = await Bun.file(`${G}/dashboards/lineage.json`).json();
    const exprOf = (t: string) => dash.panels.find((p: any) => p.title === t)?.targets.map((x: any) => x.expr);
    expect(exprOf('Spread (bps of mid)')).toEqual(['lineage_book_spread_bps{instance=~"$instance"}']);
    expect(exprOf('Book depth per side')).toEqual(['lineage_book_depth{instance=~"$instance"}']);
    expect(exprOf('Trades / s per symbol')).toEqual([
      'sum by (symbol) (rate(lineage_book_trades_total{instance=~"$instance"}[$__rate_interval]))',
    ]);
    expect(exprOf('Resting orders')).toEqual(['lineage_book_resting_orders{instance=~"$instance"}']);
    expect(exprOf('Matching time p99')?.[0]).toBe(
      'histogram_quantile(0.99, sum by (le, phase) (rate(lineage_book_matching_seconds_bucket{instance=~"$instance"}[$__rate_interval])))',
    );
    expect(exprOf('Traded volume / s')?.[0]).toContain('lineage_book_volume_total');
    expect(exprOf('Best bid, ask and spread')).toEqual([
      'lineage_book_best_price{instance=~"$instance"}',
      'lineage_book_spread{instance=~"$instance"}',
    ]);
    // No two panels overlap on the grid, and each fits its 24 columns.
    const cells = new Set<string>();
    for (const p of dash.panels) {
      expect({ panel: p.title, right: p.gridPos.x + p.gridPos.w <= 24 }).toEqual({ panel: p.title, right: true });
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect({ panel: p.title, cell: `${x},${y}`, free: !cells.has(`${x},${y}`) }).toEqual({
            panel: p.title,
            cell: `${x},${y}`,
            free: true,
          });
          cells.add(`${x},${y}`);
        }
    }
  });

  test('the compose file mounts the provisioning, dashboards, config and rules', async () => {
    const compose = await Bun.file(`${G}/docker-compose.yml`).text();
    for (const s of [
      './provisioning:/etc/grafana/provisioning',
      './dashboards:/var/lib/grafana/dashboards',
      './alerts.yml:/etc/prometheus/alerts.yml',
      './prometheus.docker.yml:/etc/prometheus/prometheus.yml',
    ]) {
      expect(compose).toContain(s);
    }
    // Regression #11.14: every published port is bound to loopback, and Grafana's password comes from the environment.
    const parsed = Bun.YAML.parse(compose) as {
      services: Record<string, { ports?: string[]; environment?: string[] }>;
    };
    const ports = Object.values(parsed.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBe(3);
    for (const p of ports) expect(p).toStartWith('127.0.0.1:');
    const grafanaEnv = parsed.services.grafana?.environment ?? [];
    expect(grafanaEnv).toContain(
      'GF_SECURITY_ADMIN_PASSWORD=${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD to the Grafana admin password}',
    );
    expect(compose).not.toMatch(/PASSWORD=admin\b/);
    expect(parsed.services.lineage?.environment).toContain('LINEAGE_AUTH_TOKEN=${LINEAGE_AUTH_TOKEN:-}');
    const provider = await Bun.file(`${G}/provisioning/dashboards/lineage.yml`).text();
    expect(provider).toContain('path: /var/lib/grafana/dashboards');
  });
});
