// The targets, checked against a run's rows (figures, not pass/fail tests: the report says by how much).
import type { Row } from '../harness/result.ts';
import type { TargetName } from '../harness/targets.ts';
import { num, pct, ratio, short } from './format.ts';

export interface TargetCheck {
  target: string;
  goal: string;
  measured: string;
  /** null when the run did not include what the target needs. */
  met: boolean | null;
}

export function find(rows: readonly Row[], scenario: Row['scenario'], target: TargetName): Row | undefined {
  return rows.find((r) => r.scenario === scenario && r.target === target);
}

export function evaluateTargets(rows: readonly Row[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  const scale = find(rows, 'scale', 'lineage');
  const fan = find(rows, 'fanout', 'lineage');
  const fanSim = find(rows, 'fanout', 'lineage-sim');
  const fanDurable = find(rows, 'fanout', 'lineage-durable');
  const fanBun = find(rows, 'fanout', 'bun');
  const fanNode = find(rows, 'fanout', 'node');
  const churn = find(rows, 'churn', 'lineage');

  if (scale) {
    const held = scale.extra.held ?? 0;
    const receiving = scale.extra.receiving ?? 0;
    out.push({
      target: `${num(scale.connections)} concurrent subscribed connections, every one receiving, 0 lost`,
      goal: '10,000 held · all receiving · 0 lost',
      measured: `${num(held)} held · ${num(receiving)} receiving · ${num(scale.lost)} lost`,
      met: scale.connections >= 10_000 && held === scale.connections && receiving === held && scale.lost === 0,
    });
  }
  if (fan && fanBun) {
    const r = fan.cpuPerMillion / fanBun.cpuPerMillion;
    out.push({
      target: 'Server CPU per delivery vs bare Bun pub/sub (fan-out)',
      goal: '≤ 1.25×',
      measured: `${ratio(r)} (${short(fan.cpuPerMillion)} vs ${short(fanBun.cpuPerMillion)} µs)`,
      met: r <= 1.25,
    });
  }
  if (fan && fanNode) {
    const r = fan.cpuPerMillion / fanNode.cpuPerMillion;
    out.push({
      target: 'Server CPU per delivery vs Node + ws (fan-out)',
      goal: '≤ 1/8 (0.125×)',
      measured: `${ratio(r)} = 1/${short(1 / r)} (${short(fan.cpuPerMillion)} vs ${short(fanNode.cpuPerMillion)} µs)`,
      met: r <= 0.125,
    });
  }
  if (scale && scale.rssPerConnectionKB !== null) {
    out.push({
      target: 'Server RSS per held connection above the process baseline',
      goal: '≤ 8 KB',
      measured: `${short(scale.rssPerConnectionKB)} KB`,
      met: scale.rssPerConnectionKB <= 8,
    });
  }
  if (fan && fanBun) {
    const r = fan.age.p99 / fanBun.age.p99;
    const first = fan.firstAge.p99 / fanBun.firstAge.p99;
    out.push({
      target: `Fan-out p99 event age, ${num(fan.connections)} clients × ${num(fan.extra.eventsPerSPerClient)} events/s, vs bare Bun`,
      goal: '≤ 1.5×',
      measured: `${ratio(r)} (${short(fan.age.p99)} vs ${short(fanBun.age.p99)} ms); 1st-arrival p99 ${ratio(first)} (${short(fan.firstAge.p99)} vs ${short(fanBun.firstAge.p99)} ms)`,
      met: r <= 1.5,
    });
  }
  if (fan && fanSim) {
    const change = ((fanSim.age.p99 - fan.age.p99) / fan.age.p99) * 100;
    const first = ((fanSim.firstAge.p99 - fan.firstAge.p99) / fan.firstAge.p99) * 100;
    out.push({
      target: '1,000-agent, 50-symbol simulation: change in fan-out p99',
      goal: '< +10%',
      measured: `${pct(change)} (${short(fanSim.age.p99)} vs ${short(fan.age.p99)} ms); 1st-arrival p99 ${pct(first)} (${short(fanSim.firstAge.p99)} vs ${short(fan.firstAge.p99)} ms)`,
      met: change < 10,
    });
  }
  if (fan && fanDurable) {
    const change = ((fanDurable.cpuPerMillion - fan.cpuPerMillion) / fan.cpuPerMillion) * 100;
    out.push({
      target: 'Durable commits (SQLite file, synchronous = FULL): change in server CPU per delivery (fan-out)',
      goal: '≤ +5%',
      measured: `${pct(change)} (${short(fanDurable.cpuPerMillion)} vs ${short(fan.cpuPerMillion)} µs in memory)`,
      met: change <= 5,
    });
  }
  if (churn && churn.extra.rssChangePct !== undefined) {
    out.push({
      target: 'Churn leaves no leak: RSS after churn vs before',
      goal: 'within 10%',
      measured: `${pct(churn.extra.rssChangePct)} (${short(churn.extra.rssBeforeMB)} → ${short(churn.extra.rssAfterMB)} MB)`,
      met: Math.abs(churn.extra.rssChangePct) <= 10,
    });
  }
  const bad = rows.filter((r) => r.lost + r.duplicated + r.unexpected + r.unassessable > 0);
  out.push({
    target: 'Lost or duplicated events (every scenario, every server)',
    goal: '0',
    measured:
      bad.length === 0
        ? `0 in ${rows.length} runs`
        : bad.map((r) => `${r.scenario}/${r.target}: ${r.lost} lost, ${r.duplicated} dup`).join('; '),
    met: bad.length === 0,
  });
  return out;
}
