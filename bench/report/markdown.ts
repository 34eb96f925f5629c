// The markdown report: summary table (each figure the median over rounds, with its range), per-round ratios against the
// reference servers, targets, the #14 scenarios, the capacity curve, scale steps, details, the machine's load per round,
// the previous run.

import type { Row, Summary } from '../harness/result.ts';
import type { BenchResult } from '../harness/run-bench.ts';
import { TARGET_LABELS, type TargetName } from '../harness/targets.ts';
import { boxSection } from './box-md.ts';
import { capacitySection } from './capacity-md.ts';
import { churnCycles } from './churn-md.ts';
import type { Comparison } from './compare.ts';
import { cell, num, pct, practice, ratioRange, short, table } from './format.ts';
import { SCENARIO_LABELS } from './labels.ts';
import { measuredSections } from './measured-md.ts';
import { roundRatio } from './ratios.ts';
import { realisticSection } from './realistic-md.ts';
import { comparisonSection, loadsTable, loadWarningLines } from './rounds-md.ts';
import { evaluateTargets } from './targets.ts';

export function summaryTable(rows: readonly Summary[]): string {
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
      'bytes/delivery',
      'RSS KB/conn',
      'connects/s',
      'lost',
      'dup',
    ],
    rows.map((r) => [
      SCENARIO_LABELS[r.scenario],
      TARGET_LABELS[r.target],
      num(r.connections),
      cell(r, 'deliveriesPerS', num),
      cell(r, 'age.p50'),
      cell(r, 'age.p99'),
      cell(r, 'age.p999'),
      cell(r, 'firstAge.p99'),
      cell(r, 'cpuPerMillion'),
      cell(r, 'extra.bytesPerDelivery'),
      cell(r, 'rssPerConnectionKB'),
      cell(r, 'connectsPerS', num),
      num(r.lost + r.unexpected),
      num(r.duplicated),
    ]),
  );
}

function ratiosTable(runs: readonly Row[]): string {
  const lines: string[][] = [];
  for (const scenario of ['scale', 'fanout', 'churn', 'storm'] as const) {
    if (!runs.some((r) => r.scenario === scenario && r.target === 'lineage')) continue;
    const r = (reference: TargetName, figure: string) =>
      ratioRange(roundRatio(runs, scenario, 'lineage', reference, figure));
    lines.push([
      SCENARIO_LABELS[scenario],
      r('bun', 'cpuPerMillion'),
      r('bun', 'extra.mainThreadCpuPerMillion'),
      r('node', 'cpuPerMillion'),
      r('bun', 'age.p99'),
      r('node', 'age.p99'),
      r('bun', 'rssPerConnectionKB'),
      r('node', 'rssPerConnectionKB'),
    ]);
  }
  return table(
    [
      'scenario',
      'CPU/delivery ÷ bare Bun',
      'main thread ÷ bare Bun main thread',
      'CPU/delivery ÷ Node + ws',
      'p99 ÷ bare Bun',
      'p99 ÷ Node + ws',
      'RSS/conn ÷ bare Bun',
      'RSS/conn ÷ Node + ws',
    ],
    lines,
  );
}

function targetsTable(rows: readonly Summary[], runs: readonly Row[]): string {
  return table(
    ['target', 'goal', 'measured', 'met (on the median)'],
    evaluateTargets(rows, runs).map((t) => [
      t.target,
      t.goal,
      t.measured,
      t.met === null ? '–' : t.met ? '✅ yes' : '❌ no',
    ]),
  );
}

function stagesTable(rows: readonly Summary[]): string {
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

function detailsTable(rows: readonly Summary[]): string {
  const describe = (r: Summary): string => {
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
      case 'compression':
      case 'sse':
        parts.push(
          `${num(e.eventsPerSPerClient)} events/s per client`,
          `${short(e.bytesPerDelivery)} bytes/delivery`,
          `connect p99 ${short(e.connectP99Ms)} ms`,
        );
        break;
      case 'slow-reader':
        parts.push(
          `${num(e.fastClients)} fast readers, ${num(e.fastEventsPerSPerClient)} events/s each`,
          `${short(e.serverCores)} server cores`,
        );
        if (e.slowClients !== undefined)
          parts.push(
            `${num(e.slowClients)} slow readers at ${short((e.slowReadBytesPerS ?? Number.NaN) / 1024)} KB/s, ${short(e.slowEventsPerSPerClient)} events/s each`,
            `${num(e.slowClosed1013)} closed 1013, ${num(e.slowResumed)} resumed, ${num(e.slowResumeFailed)} resumes refused, ${num(e.slowCaughtUp)} caught up at the end`,
          );
        break;
      case 'realistic':
        parts.push(
          `${short(e.eventsPerSPerClient)} events/s per client`,
          `${num(e.bookClients)} clients with a book and its trades`,
          `${num(e.serverSymbols)} symbols on the server`,
          `${short(e.bytesPerDelivery)} bytes/delivery`,
          `connect p99 ${short(e.connectP99Ms)} ms`,
        );
        break;
      case 'churn':
        parts.push(
          `RSS ${short(e.rssBeforeMB)} → ${short(e.rssAfterMB)} MB (${pct(e.rssChangePct)})`,
          ...(e.rssGrowthAfterCycle1Pct === undefined ? [] : [churnCycles(e)]),
          `${num(e.subscribeOpsPerS)} (un)subscribes/s, ack p99 ${short(e.ackP99Ms)} ms`,
          `${num(e.churnConnects)} churn connects, connect p99 ${short(e.connectP99Ms)} ms`,
        );
        break;
      case 'capacity':
        parts.push(
          `knee ${num(e.kneeDeliveriesPerS)} deliveries/s after ${num(e.capacitySteps)} steps`,
          'other figures: the last step that kept up',
        );
        break;
      case 'box':
        parts.push(
          e.nodes === 1
            ? `one process holding ${num(e.nodeConnectionsMax)}`
            : `${num(e.nodes)} processes holding ${num(e.nodeConnectionsMin)}–${num(e.nodeConnectionsMax)} each`,
          `worst CPU ${short(e.nodeCpuPerMillionMax)} µs/delivery`,
          `RSS ${short(e.rssBaselineMB)} → ${short(e.rssHeldMB)} MB each (mean)`,
          `${num(e.eventsPerSPerClient)} events/s per client`,
          `connect p99 ${short(e.connectP99Ms)} ms, ${num(e.failedConnects)} failed`,
        );
        if (e.boxCores !== undefined)
          parts.push(
            `sim ${short(e.simCpuPerMillion)} + Redis ${short(e.redisCpuPerMillion)} µs/delivery more; the box kept ${short(e.boxCores)} cores busy`,
            `events ${short(e.gatewayReadAgeMs)} ms old when the gateways read them from Redis`,
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

export function renderMarkdown(result: BenchResult, comparison: Comparison | null = null): string {
  const m = result.machine;
  const p = result.profile;
  const warnings = loadWarningLines(result.loads);
  const measured = measuredSections(result.rows, result.runs);
  const realistic = realisticSection(result.rows, result.runs);
  const capacity = capacitySection(result.rows, result.runs, m.cpus, p.capacity.retries);
  const c = p.capacity;
  const offered = (ms: number | undefined) => num((c.connections * c.symbols * 1000) / (ms ?? Number.NaN));
  const box = boxSection(result.rows);
  return `# Lineage load benchmark — \`${p.name}\` profile

Run ${result.startedAt} in ${num(result.seconds)} s on ${m.cpus} × ${m.cpuModel}; load average before the run ${m.loadAverage.map((x) => x.toFixed(2)).join(' / ')};
Bun ${m.bun}, Node ${m.node}, \`ulimit -n\` ${m.fdLimit}. Server and load processes share the machine (loopback).
**${result.rounds} round${result.rounds === 1 ? '' : 's'}**: in each round every server of a scenario runs once, one after another; each figure
below is the **median over the rounds, with the smallest and largest round in brackets**, and a ratio between servers is
taken round by round (the same round's two runs) before its median. Lost and repeated events are summed over every round.
Event age = arrival time − the event's \`timestamp\` (its scheduled time); *1st-arrival* = each event's earliest arrival at any
client of a load process (the server's own pipeline, without the load process reading a whole burst one frame after another).
CPU = utime + stime of the server process (all threads), so **CPU s per million deliveries = µs per delivery**.
${warnings.length === 0 ? '' : `\n> ⚠ **The machine was busy during this run**; the figures of these rounds shared it:\n${warnings.map((w) => `> - ${w}`).join('\n')}\n`}
## Summary

${summaryTable(result.rows)}

## Lineage ÷ reference servers (lower is better; per round, median (min–max))

${ratiosTable(result.runs)}

## Targets

${targetsTable(result.rows, result.runs)}
${measured === null ? '' : `\n## Compression, slow readers, SSE\n\n${measured}\n`}${realistic === null ? '' : `\n## Realistic load\n\n${realistic}\n`}${capacity === null ? '' : `\n## Capacity\n\n${capacity}\n`}${box === null ? '' : `\n## One box, process by process\n\n${box}\n`}
## Connection scale, step by step (the chart; medians over the rounds)

${stagesTable(result.rows)}

## Scenario details (medians over the rounds)

${detailsTable(result.rows)}

## The machine, round by round

${loadsTable(result.loads)}

## Against the previous run

${comparisonSection(comparison)}

Workloads: scale ${p.scale.stages.map((s) => num(s)).join(' → ')} connections, ${p.scale.symbols} symbols every ${p.scale.intervalMs} ms;
fan-out ${num(p.fanout.connections)} connections, ${p.fanout.symbols} symbols every ${p.fanout.intervalMs} ms;
churn ${num(p.churn.steady)} steady + ${num(p.churn.togglers)} toggling + ${num(p.churn.loopers)} reconnecting connections, ${num(p.churn.cycles)} cycles of ${num(p.churn.churnMs / 1000, 1)} s churn and ${num(p.churn.settleMs / 1000, 1)} s quiet${practice(p.churn.practiceCycles, 'cycle')};
storm ${num(p.storm.connections)} connections × ${p.storm.rounds} rounds, ${p.storm.offlineMs} ms offline${practice(p.storm.practiceRounds, 'storm')};
compression and SSE as fan-out (${num(p.compression.connections)} and ${num(p.sse.connections)} connections);
box ${num(p.box.connections)} connections over ${p.box.gateways} gateways on one port (a \`--role all\` node beside it holds ${num(p.box.connections / p.box.gateways)}), ${p.box.symbols} symbols every ${p.box.intervalMs} ms, ≤ ${num(p.box.perLoader)} per load process, each to its own 127.0.0.x;
slow readers ${num(p.slowReader.fast)} fast + ${num(p.slowReader.slow)} slow at ${num(p.slowReader.slowFraction * 100)}% of a fast reader's bytes, ${p.slowReader.symbols} symbols every ${p.slowReader.intervalMs} ms with the books' streams, \`conflate_ms\` ${p.slowReader.conflateMs}, send buffer ${num(p.slowReader.sendBufferBytes / 1024)} KB;
realistic load ${num(p.realistic.connections)} connections, each with ${p.realistic.symbolsPerClient} of ${p.realistic.symbols} symbols' tickers and ${p.realistic.bookSharePercent}% also one book with its trades, market every ${num(p.realistic.intervalMs)} ms with the books' streams, agents and arena at the server's default rates, against 5 agents / ${p.realistic.symbols} symbols and 1,000 agents / 50 symbols;
capacity ${num(c.connections)} connections × ${c.symbols} symbols at intervals ${c.intervalsMs.join(', ')} ms (${offered(c.intervalsMs[0])} → ${offered(c.intervalsMs[c.intervalsMs.length - 1])} offered deliveries/s), p99 limit ${c.p99LimitMs} ms.
`;
}
