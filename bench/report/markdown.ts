// The markdown report: summary table, ratios against the reference servers, targets, scale steps, scenario details.

import type { Row } from '../harness/result.ts';
import type { BenchResult } from '../harness/run-bench.ts';
import { TARGET_LABELS } from '../harness/targets.ts';
import { num, pct, ratio, short } from './format.ts';
import { evaluateTargets, find } from './targets.ts';

const SCENARIO_LABELS: Record<Row['scenario'], string> = {
  scale: '(a) connection scale',
  fanout: '(b) fan-out',
  churn: '(c) churn',
  storm: '(d) reconnect storm',
};

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function summaryTable(rows: readonly Row[]): string {
  return table(
    [
      'scenario',
      'server',
      'conns',
      'deliveries/s',
      'age p50 ms',
      'p99 ms',
      'p999 ms',
      '1st-arrival p99 ms',
      'server CPU µs/delivery',
      'RSS KB/conn',
      'connects/s',
      'lost',
      'dup',
    ],
    rows.map((r) => [
      SCENARIO_LABELS[r.scenario],
      TARGET_LABELS[r.target],
      num(r.connections),
      num(r.deliveriesPerS),
      short(r.age.p50),
      short(r.age.p99),
      short(r.age.p999),
      short(r.firstAge.p99),
      short(r.cpuPerMillion),
      short(r.rssPerConnectionKB),
      num(r.connectsPerS),
      num(r.lost + r.unexpected),
      num(r.duplicated),
    ]),
  );
}

function ratiosTable(rows: readonly Row[]): string {
  const lines: string[][] = [];
  for (const scenario of ['scale', 'fanout', 'churn', 'storm'] as const) {
    const l = find(rows, scenario, 'lineage');
    if (!l) continue;
    const b = find(rows, scenario, 'bun');
    const n = find(rows, scenario, 'node');
    lines.push([
      SCENARIO_LABELS[scenario],
      ratio(b && l.cpuPerMillion / b.cpuPerMillion),
      ratio(n && l.cpuPerMillion / n.cpuPerMillion),
      ratio(b && l.age.p99 / b.age.p99),
      ratio(n && l.age.p99 / n.age.p99),
      ratio(
        b && l.rssPerConnectionKB !== null && b.rssPerConnectionKB !== null
          ? l.rssPerConnectionKB / b.rssPerConnectionKB
          : null,
      ),
      ratio(
        n && l.rssPerConnectionKB !== null && n.rssPerConnectionKB !== null
          ? l.rssPerConnectionKB / n.rssPerConnectionKB
          : null,
      ),
    ]);
  }
  return table(
    [
      'scenario',
      'CPU/delivery ÷ bare Bun',
      'CPU/delivery ÷ Node + ws',
      'p99 ÷ bare Bun',
      'p99 ÷ Node + ws',
      'RSS/conn ÷ bare Bun',
      'RSS/conn ÷ Node + ws',
    ],
    lines,
  );
}

function targetsTable(rows: readonly Row[]): string {
  return table(
    ['target', 'goal', 'measured', 'met'],
    evaluateTargets(rows).map((t) => [t.target, t.goal, t.measured, t.met === null ? '–' : t.met ? '✅ yes' : '❌ no']),
  );
}

function stagesTable(rows: readonly Row[]): string {
  const lines: string[][] = [];
  for (const r of rows.filter((x) => x.scenario === 'scale')) {
    for (const s of r.stages) {
      lines.push([
        TARGET_LABELS[r.target],
        num(s.connections),
        `${num(s.receiving)} / ${num(s.held)}`,
        num(s.deliveriesPerS),
        short(s.age.p50),
        short(s.age.p99),
        short(s.age.p999),
        short(s.firstAge.p99),
        short(s.cpuPerMillion),
        short(s.loadCpuPerMillion),
        short(s.rssPerConnectionKB),
      ]);
    }
  }
  return table(
    [
      'server',
      'conns',
      'receiving / held',
      'deliveries/s',
      'p50 ms',
      'p99 ms',
      'p999 ms',
      '1st-arrival p99 ms',
      'server CPU µs/delivery',
      'load CPU µs/delivery',
      'RSS KB/conn',
    ],
    lines,
  );
}

function detailsTable(rows: readonly Row[]): string {
  const describe = (r: Row): string => {
    const e = r.extra;
    const parts: string[] = [];
    switch (r.scenario) {
      case 'scale':
        parts.push(
          `RSS ${short(e.rssBaselineMB)} → ${short(e.rssHeldMB)} MB`,
          `connect p99 ${short(e.connectP99Ms)} ms`,
          `${num(e.failedConnects)} failed connects`,
        );
        break;
      case 'fanout':
        parts.push(`${num(e.eventsPerSPerClient)} events/s per client`, `connect p99 ${short(e.connectP99Ms)} ms`);
        break;
      case 'churn':
        parts.push(
          `RSS ${short(e.rssBeforeMB)} → ${short(e.rssAfterMB)} MB (${pct(e.rssChangePct)})`,
          `${num(e.subscribeOpsPerS)} (un)subscribes/s, ack p99 ${short(e.ackP99Ms)} ms`,
          `${num(e.churnConnects)} churn connects, connect p99 ${short(e.connectP99Ms)} ms`,
        );
        break;
      case 'storm':
        parts.push(
          `${num(e.rounds)} rounds`,
          `reconnect→resumed p50 ${short(e.reconnectP50Ms)} / p99 ${short(e.reconnectP99Ms)} ms`,
          `${num(e.replayedPerRound)} events replayed per round`,
          `${num(e.failedReconnects)} failed`,
        );
        break;
    }
    parts.push(
      `1st-arrival p50 ${short(r.firstAge.p50)} / p99 ${short(r.firstAge.p99)} ms`,
      `load CPU ${short(r.loadCpuPerMillion)} µs/delivery`,
      `${num(e.checkedWindows)} client windows checked`,
    );
    if ((e.drainSeconds ?? 0) >= 1)
      parts.push(`**${short(e.drainSeconds)} s behind at the end** (drained, then checked)`);
    const errors = Object.entries(r.errors);
    if (errors.length > 0) parts.push(`errors: ${errors.map(([k, v]) => `${k} ${v}`).join(', ')}`);
    return parts.join(' · ');
  };
  return table(
    ['scenario', 'server', 'details'],
    rows.map((r) => [SCENARIO_LABELS[r.scenario], TARGET_LABELS[r.target], describe(r)]),
  );
}

export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const p = result.profile;
  return `# Lineage load benchmark — \`${p.name}\` profile

Run ${result.startedAt} in ${num(result.seconds)} s on ${m.cpus} × ${m.cpuModel}; load average before the run ${m.loadAverage.map((x) => x.toFixed(2)).join(' / ')};
Bun ${m.bun}, Node ${m.node}, \`ulimit -n\` ${m.fdLimit}. Server and load processes share the machine (loopback).
Event age = arrival time − the event's \`timestamp\` (its scheduled time); *1st-arrival* = each event's earliest arrival at any
client of a load process (the server's own pipeline, without the load process reading a whole burst one frame after another).
CPU = utime + stime of the server process (all threads), so **CPU s per million deliveries = µs per delivery**.

## Summary

${summaryTable(result.rows)}

## Lineage ÷ reference servers (lower is better)

${ratiosTable(result.rows)}

## Targets

${targetsTable(result.rows)}

## Connection scale, step by step (the chart)

${stagesTable(result.rows)}

## Scenario details

${detailsTable(result.rows)}

Workloads: scale ${p.scale.stages.map((s) => num(s)).join(' → ')} connections, ${p.scale.symbols} symbols every ${p.scale.intervalMs} ms;
fan-out ${num(p.fanout.connections)} connections, ${p.fanout.symbols} symbols every ${p.fanout.intervalMs} ms;
churn ${num(p.churn.steady)} steady + ${num(p.churn.togglers)} toggling + ${num(p.churn.loopers)} reconnecting connections for ${num(p.churn.churnMs / 1000, 1)} s;
storm ${num(p.storm.connections)} connections × ${p.storm.rounds} rounds, ${p.storm.offlineMs} ms offline.
`;
}
