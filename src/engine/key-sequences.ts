// Per-key sequences (`key_seq`): consecutive per topic key within an epoch, and the stream sequence each key last
// moved at. Part of the checkpoint, so a replay from it regenerates the journal's frames byte for byte.

/** key → [key_seq, sequence of its last event]. */
export type KeySequencesState = Record<string, [number, number]>;

export class KeySequences {
  private readonly keys: Map<string, [number, number]>;

  constructor(state?: KeySequencesState) {
    this.keys = new Map(Object.entries(state ?? {}).map(([k, v]) => [k, [v[0], v[1]]] as [string, [number, number]]));
  }

  /** The next `key_seq` of `key` for an event at `sequence` (`given` when the event numbers itself, e.g. trade ids). */
  next(key: string, sequence: number, given?: number): number {
    const entry = this.keys.get(key);
    const keySeq = given ?? (entry === undefined ? 1 : entry[0] + 1);
    if (entry === undefined) this.keys.set(key, [keySeq, sequence]);
    else {
      entry[0] = keySeq;
      entry[1] = sequence;
    }
    return keySeq;
  }

  /** The stream sequence `key` last moved at (undefined when it never did). */
  lastSequence(key: string): number | undefined {
    return this.keys.get(key)?.[1];
  }

  /** The last `key_seq` of `key` (undefined when it never moved). */
  lastKeySeq(key: string): number | undefined {
    return this.keys.get(key)?.[0];
  }

  /** Forget keys that will not come back (agents that died). */
  retire(keys: Iterable<string>): void {
    for (const k of keys) this.keys.delete(k);
  }

  get size(): number {
    return this.keys.size;
  }

  state(): KeySequencesState {
    const out: KeySequencesState = {};
    for (const [k, v] of this.keys) out[k] = [v[0], v[1]];
    return out;
  }
}
