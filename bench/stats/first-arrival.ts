// Per-event first arrival: the smallest age of each sequence over a process's clients (the server's own pipeline
// latency, without the load process's serial reading of a burst), kept in a ring so the hot path is O(1).
import type { Histogram } from './histogram.ts';

export class FirstArrival {
  private readonly seqs: Float64Array;
  private readonly ages: Float64Array;
  private readonly mask: number;

  /** `slots` (a power of two) must exceed the number of distinct sequences in flight at once. */
  constructor(
    private readonly into: Histogram,
    slots = 8192,
  ) {
    if (slots & (slots - 1)) throw new RangeError('slots must be a power of two');
    this.seqs = new Float64Array(slots);
    this.ages = new Float64Array(slots);
    this.mask = slots - 1;
  }

  arrival(sequence: number, age: number): void {
    const i = sequence & this.mask;
    if (this.seqs[i] === sequence) {
      if (age < (this.ages[i] as number)) this.ages[i] = age;
      return;
    }
    if ((this.seqs[i] as number) > 0) this.into.record(this.ages[i] as number);
    this.seqs[i] = sequence;
    this.ages[i] = age;
  }

  /** Record every pending sequence and start over. */
  flush(): void {
    for (let i = 0; i < this.seqs.length; i++) {
      if ((this.seqs[i] as number) > 0) this.into.record(this.ages[i] as number);
      this.seqs[i] = 0;
    }
  }
}
