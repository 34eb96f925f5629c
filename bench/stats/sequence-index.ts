// The reference: every sequence the server published (seen by a connection holding every family), indexed by topic.

interface Column {
  seqs: number[];
  /** prefix[i] = sum of seqs[0..i). */
  prefix: number[];
}

export interface Expected {
  count: number;
  sum: number;
}

/** The topics an event of `family`/`key` is published on (the family, and the narrow topic when keyed). */
export function eventTopics(family: string, key: string | null): string[] {
  return key === null || family === 'arena' ? [family] : [family, `${family}.${key}`];
}

/** Held topics without the narrow ones a held family already covers (each event is owed once). */
export function coveringTopics(topics: readonly string[]): string[] {
  const set = new Set(topics);
  const out: string[] = [];
  for (const t of set) {
    const dot = t.indexOf('.');
    if (dot !== -1 && set.has(t.slice(0, dot))) continue;
    out.push(t);
  }
  return out;
}

function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SequenceIndex {
  private readonly columns = new Map<string, Column>();
  /** The reference window starts after this sequence (-1 until the reference connection is welcomed). */
  start = -1;
  /** Newest sequence indexed. */
  last = -1;
  /** Sequences the reference itself missed (a server loss that no client could be blamed for). */
  gaps = 0;

  begin(sequence: number): void {
    if (this.start !== -1) return;
    this.start = sequence;
    this.last = sequence;
  }

  /** Index one published event; the reference must see a contiguous stream, so holes are counted as gaps. */
  add(sequence: number, family: string, key: string | null): void {
    if (this.start === -1 || sequence <= this.last) return;
    if (sequence !== this.last + 1) this.gaps += sequence - this.last - 1;
    this.last = sequence;
    for (const topic of eventTopics(family, key)) {
      let c = this.columns.get(topic);
      if (c === undefined) {
        c = { seqs: [], prefix: [0] };
        this.columns.set(topic, c);
      }
      c.seqs.push(sequence);
      c.prefix.push((c.prefix[c.prefix.length - 1] as number) + sequence);
    }
  }

  /** Events on `topics` with from < sequence ≤ to: how many, and the sum of their sequences. */
  expected(topics: readonly string[], from: number, to: number): Expected {
    let count = 0;
    let sum = 0;
    if (to <= from) return { count, sum };
    for (const topic of coveringTopics(topics)) {
      const c = this.columns.get(topic);
      if (c === undefined) continue;
      const a = upperBound(c.seqs, from);
      const b = upperBound(c.seqs, to);
      count += b - a;
      sum += (c.prefix[b] as number) - (c.prefix[a] as number);
    }
    return { count, sum };
  }

  /** The newest sequence ≤ `at` on `topics` (or `floor` when there is none after it). */
  lastOn(topics: readonly string[], at: number, floor: number): number {
    let best = floor;
    for (const topic of coveringTopics(topics)) {
      const c = this.columns.get(topic);
      if (c === undefined) continue;
      const i = upperBound(c.seqs, at) - 1;
      if (i >= 0 && (c.seqs[i] as number) > best) best = c.seqs[i] as number;
    }
    return best;
  }
}
