// The report's capacity section: each server's knee (median over rounds with its range, and per-round ratios to the
// reference servers), what was saturated where its curve ended, and the curve step by step.
import { type CurvePoint, KNEE_BOUND_CODE, SATURATED_CORES, saturationOf } from '../harness/capacity-curve.ts';
import type { Row, Summary } from '../harness/result.ts';
import { TARGET_LABELS, type TargetName } from '../harness/targets.ts';
import { cell, num, ratioRange, short, table } from './format.ts';
import { roundRatio } from './ratios.ts';

/** The step that ended each round's curve: its first step that did not keep up, or its last. */
function endsOf(runs: readonly Row[], target: TargetName): CurvePoint[] {
  return runs
    .filter((r) => r.scenario === 'capacity' && r.target === target)
    .flatMap((r) => r.curve.find((p) => p.failure !== '') ?? r.curve[r.curve.length - 1] ?? []);
}

/** Rounds whose knee is only a bound: the curve kept up to its last step, or not even at its first. */
function boundNote(runs: readonly Row[], target: TargetName): string {
  const mine = runs.filter((r) => r.scenario === 'capacity' && r.target === target);
  const atLeast = mine.filter((r) => r.extra.kneeBound === KNEE_BOUND_CODE['at-least']).length;
  const below = mine.filter((r) => r.extra.kneeBound === KNEE_BOUND_CODE.below).length;
  const notes = [
    atLeast > 0 ? `a lower bound: kept up to the last step in ${atLeast} of ${mine.length} rounds` : '',
    below > 0 ? `below the first step in ${below} of ${mine.length} rounds` : '',
  ];
  return notes.filter((n) => n !== '').join('; ');
}

const cores = (p: CurvePoint) =>
  `${short(p.serverCores)} (main ${short(p.serverMainCores)}) / ${short(p.loadCores)} (${short(p.loadCores / p.loaders)} each) / ${short(p.machineCores)}`;

function kneeTable(mine: readonly Summary[], runs: readonly Row[], cpus: number): string {
  const vs = (r: Summary, reference: TargetName) =>
    r.target === reference
      ? '1×'
      : ratioRange(roundRatio(runs, 'capacity', r.target, reference, 'extra.kneeDeliveriesPerS'));
  return table(
    [
      'server',
      'knee deliveries/s',
      '÷ bare Bun',
      '÷ Node + ws',
      'last step kept up, /s',
      'curve ended by',
      'saturated there',
      'server cores (main thread) / load cores (each) / machine cores there',
    ],
    mine.map((r) => {
      const ends = endsOf(runs, r.target);
      const saturated = [...new Set(ends.flatMap((p) => saturationOf(p, cpus)))];
      const why = [...new Set(ends.map((p) => p.failure || 'the step cap'))];
      const note = boundNote(runs, r.target);
      return [
        TARGET_LABELS[r.target],
        `${cell(r, 'extra.kneeDeliveriesPerS', num)}${note === '' ? '' : ` (${note})`}`,
        vs(r, 'bun'),
        vs(r, 'node'),
        cell(r, 'extra.kneeStepDeliveriesPerS', num),
        why.join('; '),
        saturated.join(', ') || 'nothing',
        [...new Set(ends.map(cores))].join('; '),
      ];
    }),
  );
}

function curveTable(mine: readonly Summary[], cpus: number): string {
  return table(
    [
      'server',
      'interval ms',
      'offered/s',
      'delivered/s',
      'p50 ms',
      'p99 ms',
      '1st-arrival p99 ms',
      'server cores (main thread)',
      'load cores (each process)',
      'machine cores',
      'kept up, rounds',
      'saturated',
      'why not',
    ],
    mine.flatMap((r) =>
      r.curve.map((p) => [
        TARGET_LABELS[r.target],
        num(p.intervalMs),
        num(p.offeredPerS),
        num(p.deliveriesPerS),
        short(p.age.p50),
        short(p.age.p99),
        short(p.firstAge.p99),
        `${short(p.serverCores)} (${short(p.serverMainCores)})`,
        `${short(p.loadCores)} (${short(p.loadCores / p.loaders)})`,
        short(p.machineCores),
        `${num(p.passed)} / ${num(p.rounds)}${p.attempts > p.rounds ? ` (${num(p.attempts - p.rounds)} run again)` : ''}`,
        saturationOf(p, cpus).join(', '),
        p.failure,
      ]),
    ),
  );
}

/** The section, or null when the run had no capacity scenario. */
export function capacitySection(
  rows: readonly Summary[],
  runs: readonly Row[],
  cpus: number,
  retries: number,
): string | null {
  const mine = rows.filter((r) => r.scenario === 'capacity');
  const first = mine[0];
  if (first === undefined) return null;
  const limit = num(first.extra.p99LimitMs);
  const again =
    retries > 0
      ? ` A step over the limit on p99 alone is run again on a fresh server (${retries === 1 ? 'once' : `${retries} times`}) before it ends the curve: one stall of a shared machine should not.`
      : '';
  return `### (i) Capacity curve: offered deliveries/s until p99 passes ${limit} ms

${num(first.connections)} held connections on \`market\`; each step starts the server afresh with a shorter market
interval and offers connections × symbols × 1000 / interval deliveries/s. A curve ends at its first step whose p99
event age passes ${limit} ms or that loses events, errs or leaves a client without events.${again} The **knee** is the
highest offered rate with p99 ≤ ${limit} ms, interpolated linearly in p99 between the last step that kept up and the
first that did not (never extrapolated; the last step's rate when the next one failed for another reason); it is
the median over rounds, and the ratios are per round. *Saturated*: a thread or load process at ≥ ${SATURATED_CORES}
of a core, or the whole machine at ≥ ${SATURATED_CORES} × ${cpus} cores busy (other processes named when they took more than
0.1 core per core). The load processes
share the machine: where they, not the server's main thread, are saturated, the knee is the load's as much as the
server's.

${kneeTable(mine, runs, cpus)}

${curveTable(mine, cpus)}

Each step's figures are medians over the rounds that ran it; *kept up* counts those rounds where it did.`;
}
