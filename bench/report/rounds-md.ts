// The report's sections about the run itself: how busy the machine was in each round, and how the figures moved
// since the last committed run.
import { figureOf } from '../harness/figures.ts';
import type { RoundLoad } from '../harness/machine-load.ts';
import { TARGET_LABELS } from '../harness/targets.ts';
import type { Change, Comparison } from './compare.ts';
import { COMPARED_COLUMNS, WORSE_BY } from './compare.ts';
import { num, short, table } from './format.ts';
import { SCENARIO_LABELS } from './labels.ts';

export function loadsTable(loads: readonly RoundLoad[]): string {
  return table(
    ['scenario', 'round', 'started', 'load average (1 min) before', 'other processes, cores', 'seconds', 'warning'],
    loads.map((l) => [
      SCENARIO_LABELS[l.scenario],
      num(l.round),
      l.startedAt.slice(11, 19),
      l.loadAverage1m.toFixed(2),
      l.otherCores === null ? '–' : l.otherCores.toFixed(2),
      num(l.seconds),
      l.warnings.length === 0 ? '' : `⚠ ${l.warnings.join('; ')}`,
    ]),
  );
}

/** One line per warned round, for the top of the report (empty when the machine was quiet). */
export function loadWarningLines(loads: readonly RoundLoad[]): string[] {
  return loads.flatMap((l) => l.warnings.map((w) => `${SCENARIO_LABELS[l.scenario]} round ${l.round}: ${w}`));
}

/** The figures shown side by side with the previous run's, one column each. */
const COLUMNS = COMPARED_COLUMNS;

function changeCell(c: Change | undefined): string {
  if (c === undefined) return '–';
  return `${short(c.ratio)}×${c.worse ? ' ⚠' : ''} (was ${short(c.before)})`;
}

export function comparisonSection(c: Comparison | null): string {
  if (c === null) return 'No committed result of this profile to compare with.';
  const keys = [...new Set(c.changes.map((x) => `${x.scenario}\u0000${x.target}`))];
  const rows = keys.map((k) => {
    const mine = c.changes.filter((x) => `${x.scenario}\u0000${x.target}` === k);
    const first = mine[0] as Change;
    const others = mine.filter((x) => !COLUMNS.includes(x.figure));
    return [
      SCENARIO_LABELS[first.scenario],
      TARGET_LABELS[first.target],
      ...COLUMNS.map((f) => changeCell(mine.find((x) => x.figure === f))),
      others.map((x) => `${x.label} ${changeCell(x)}`).join(' · ') || '–',
    ];
  });
  const worse = c.changes.filter((x) => x.worse);
  const notes = [
    `Against ${c.source}${c.startedAt === null ? '' : ` (run ${c.startedAt})`}, ${c.format === 1 ? 'one run per row (the format before rounds, read as one round)' : `${c.rounds} rounds`}: each cell is now ÷ before of the medians, with the value before; ⚠ marks a move of more than ${num(WORSE_BY * 100)}% the wrong way.`,
  ];
  if (c.paramsDiffer.length > 0)
    notes.push(
      `Parameters differ for ${c.paramsDiffer.map((s) => SCENARIO_LABELS[s as keyof typeof SCENARIO_LABELS] ?? s).join(', ')}: those figures are not like for like.`,
    );
  if (worse.length > 0)
    notes.push(
      `Worse by more than ${num(WORSE_BY * 100)}%: ${worse.map((x) => `${x.scenario}/${x.target} ${x.label} ${short(x.before)} → ${short(x.now)}`).join('; ')}.`,
    );
  return `${notes.join('\n\n')}

${table(['scenario', 'server', ...COLUMNS.map((k) => figureOf(k).label), 'other figures'], rows)}`;
}
