// The report's section for the realistic load (#15): the large server against the small one, figure by figure, each a
// median over rounds and each ratio taken round by round.
import type { Row, Summary } from '../harness/result.ts';
import { TARGET_LABELS } from '../harness/targets.ts';
import { cell, num, ratioRange, table } from './format.ts';
import { roundRatio } from './ratios.ts';

const SMALL = 'lineage-realistic-small';

/** The section, or null when the run had no realistic load. */
export function realisticSection(rows: readonly Summary[], runs: readonly Row[]): string | null {
  const mine = rows.filter((r) => r.scenario === 'realistic');
  if (mine.length === 0) return null;
  const vsSmall = (r: Summary, figure: string) =>
    r.target === SMALL ? '1×' : ratioRange(roundRatio(runs, 'realistic', r.target, SMALL, figure));
  const sample = mine[0];
  const small = mine.find((r) => r.target === SMALL);
  return `### (h) Realistic load: 1,000 agents and 50 symbols against 5 agents and ${num(small?.extra.serverSymbols)} symbols, the same clients

The books' streams on (trades, book deltas, candles), agents and arena at the server's default rates. ${num(sample?.connections)}
clients hold their symbols' \`market.<SYMBOL>\` topics; ${num(sample?.extra.bookClients)} of them also one
\`book.<SYMBOL>\` with its \`trades.<SYMBOL>\`. Every client's symbols are among the workload's, so both servers send
them the same kinds of stream; the large one's other symbols are fillers no client holds. Each client's window is
checked against what the server published on its own topics.

${table(
  [
    'server',
    'symbols',
    'events/s per client',
    'age p99 ms',
    '÷ small',
    '1st-arrival p99 ms',
    '÷ small',
    'server CPU µs/delivery',
    '÷ small',
    'server cores',
    'lost',
  ],
  mine.map((r) => [
    TARGET_LABELS[r.target],
    num(r.extra.serverSymbols),
    cell(r, 'extra.eventsPerSPerClient'),
    cell(r, 'age.p99'),
    vsSmall(r, 'age.p99'),
    cell(r, 'firstAge.p99'),
    vsSmall(r, 'firstAge.p99'),
    cell(r, 'cpuPerMillion'),
    vsSmall(r, 'cpuPerMillion'),
    cell(r, 'extra.serverCores'),
    num(r.lost + r.unexpected),
  ]),
)}

Server CPU counts every thread, the simulation's included: the large server's 1,000 agents cost it CPU whatever it
delivers, so its CPU per delivery says what the whole server costs per event a client gets.`;
}
