// The churn scenario's per-cycle memory line: RSS (and the JavaScript heap, when the server reports it) after each cycle.
import { pct, short } from './format.ts';

/** `RSS after cycles 1…n: a · b · … MB (largest growth after the first +x%)`, and the heap's likewise. */
export function churnCycles(e: Readonly<Record<string, number>>): string {
  const n = e.cycles ?? 0;
  const series = (prefix: string) =>
    Array.from({ length: n }, (_, i) => short(e[`${prefix}Cycle${i + 1}MB`])).join(' · ');
  const rss = `RSS after cycles 1–${n}: ${series('rss')} MB (largest growth after the first ${pct(e.rssGrowthAfterCycle1Pct)})`;
  if (e.heapGrowthAfterCycle1Pct === undefined) return rss;
  return `${rss}; ${heapLabel(e)} ${series('heap')} MB (${pct(e.heapGrowthAfterCycle1Pct)})`;
}

/** What the heap figure is: the live heap (read after a full GC) or the heap with its garbage. */
export function heapLabel(e: Readonly<Record<string, number>>): string {
  return e.heapLive === 1 ? 'live JS heap (after a full GC)' : 'JS heap (garbage included)';
}
