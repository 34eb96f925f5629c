// The report's section for the box scenario: each process that held connections (a gateway of the box, or the one
// `--role all` node beside it), what it held and what each held connection and delivery cost it.
import type { Summary } from '../harness/result.ts';
import { TARGET_LABELS } from '../harness/targets.ts';
import { cell, num, table } from './format.ts';

/** The box section, or null when the run had no box scenario. */
export function boxSection(rows: readonly Summary[]): string | null {
  const mine = rows.filter((r) => r.scenario === 'box');
  if (mine.length === 0) return null;
  const lines = mine.flatMap((r) =>
    Array.from({ length: r.extra.nodes ?? 0 }, (_, i) => [
      TARGET_LABELS[r.target],
      r.target === 'lineage-box' ? `gateway ${i + 1}` : 'the node',
      cell(r, `extra.node${i + 1}Connections`, num),
      cell(r, `extra.node${i + 1}RssPerConnectionKB`),
      cell(r, `extra.node${i + 1}CpuPerMillion`),
    ]),
  );
  return `Each process's connections are its own /health count at the end of the window (load processes' reference
connections included); RSS per connection is its RSS above its own baseline before any client connected, over those
connections; its deliveries are the window's in proportion to the connections it held (every client holds the same
topics).

${table(['server', 'process', 'connections', 'RSS KB/conn', 'CPU µs/delivery'], lines)}`;
}
