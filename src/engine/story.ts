// Restart continues the story the journal told. The model is pure and keeps its own schedule, so the checkpoint (at
// sequence C), stepped forward silently, regenerates exactly the events the journal holds after C: each one is
// checked against its journaled JSON. If all match up to the journal's head, the node continues from there; if
// anything differs (or the journal no longer reaches back to C), the node begins a new epoch from the checkpoint
// instead: never old prices under new numbers, never a new seed under an old epoch.

import { describeError } from '../lib/describe-error.ts';
import { type SimEvent, Simulation, type SimulationOptions, type SimulationSnapshot } from '../sim/index.ts';
import type { JournalRow, Store } from '../store/store.ts';
import { EventEncoder } from './event-encoder.ts';
import type { KeySequencesState } from './key-sequences.ts';
import { resumeSchedule } from './pacer.ts';

export type Story =
  /** A new database: a fresh model on the configured seed. */
  | { kind: 'new'; sim: Simulation; seed: number }
  /** The journal's story, verified: the model and every key's `key_seq` stand exactly at the journal's head. */
  | { kind: 'continued'; sim: Simulation; seed: number; replayed: number; keys: KeySequencesState }
  /** The journal's story cannot be continued: the model from the checkpoint (or fresh), under a new epoch. */
  | { kind: 'new_epoch'; sim: Simulation; seed: number; reason: string };

/** What a checkpoint holds: the model's state, and where the per-key sequences stood at its sequence. */
export type Checkpoint = SimulationSnapshot & { stream?: KeySequencesState };

/** The checkpoint of the model `sim` with the key sequences `keys`. */
export function checkpointOf(sim: Simulation, keys: KeySequencesState): Checkpoint {
  return { ...sim.snapshot(), stream: keys };
}

/** What resuming reads from the store. */
export interface StoryJournal {
  checkpoint(): { sequence: number; state: unknown } | null;
  head(): number;
  oldest(): number;
  journalAfter(sequence: number, limit: number): JournalRow[];
}

const PAGE = 1000;

export function resumeStory(journal: StoryJournal, options: SimulationOptions): Story {
  const checkpoint = journal.checkpoint();
  const head = journal.head();
  if (checkpoint === null) {
    const sim = new Simulation(options);
    if (head === 0) return { kind: 'new', sim, seed: options.seed };
    return {
      kind: 'new_epoch',
      sim,
      seed: options.seed,
      reason: `the journal (to sequence ${head}) has no checkpoint to continue from`,
    };
  }
  const state = checkpoint.state as Checkpoint;
  // The database's story keeps its own seed, whatever this start was given.
  const seeded: SimulationOptions = { ...options, seed: state.seed };
  const fromCheckpoint = () => {
    try {
      return Simulation.restore(state, seeded);
    } catch (error) {
      // A checkpoint of an older model (another snapshot version) cannot be continued, and starting over would renumber
      // committed rounds: refuse with one line, and leave the file untouched.
      throw new Error(
        `the database's checkpoint cannot be restored by this build (${describeError(error)}); move the database away or start with another --db`,
      );
    }
  };
  const c = checkpoint.sequence;
  const newEpoch = (reason: string): Story => ({ kind: 'new_epoch', sim: fromCheckpoint(), seed: state.seed, reason });
  if (c > head) return newEpoch(`the journal ends at sequence ${head}, before the checkpoint at ${c}`);
  if (c < head && journal.oldest() > c + 1)
    return newEpoch(`the journal no longer reaches back to the checkpoint at sequence ${c}`);
  const sim = fromCheckpoint();
  // A checkpoint from before key sequences has none: its replay differs from the journal, and a new epoch begins.
  const encoder = new EventEncoder(c, state.stream);
  const diverged = replay(sim, encoder, head, journal);
  if (diverged !== null) return newEpoch(diverged);
  return { kind: 'continued', sim, seed: state.seed, replayed: head - c, keys: encoder.keys.state() };
}

/**
 * Step `sim` and `encoder` (at the checkpoint's sequence) to sequence `to`, comparing each event with the journal; null
 * when all match, else why not.
 */
export function replay(
  sim: Simulation,
  encoder: EventEncoder,
  to: number,
  journal: Pick<StoryJournal, 'journalAfter'>,
): string | null {
  const from = encoder.sequence;
  const events: SimEvent[] = [];
  let rows: JournalRow[] = [];
  let next = 0;
  // Every market step yields events, so the head is reached within a few steps per event; this only stops a bad loop.
  for (let budget = 4 * (to - from) + 16; encoder.sequence < to; budget--) {
    if (budget <= 0) return `the model did not reach the journal's head at sequence ${to}`;
    events.length = 0;
    sim.stepOnce(Number.POSITIVE_INFINITY, events);
    for (const e of events) {
      const regenerated = encoder.encode(e, 0);
      if (regenerated.sequence > to)
        return `the model's step after sequence ${to - 1} does not end at the journal's head (${to})`;
      if (next >= rows.length) {
        rows = journal.journalAfter(regenerated.sequence - 1, PAGE);
        next = 0;
      }
      const row = rows[next++];
      if (row === undefined || row.sequence !== regenerated.sequence)
        return `sequence ${regenerated.sequence} is missing from the journal`;
      if (row.json !== regenerated.json)
        return `event ${regenerated.sequence} differs from the journal (the model, its options or its build changed)`;
    }
  }
  return null;
}

/**
 * Make the database agree with the story before anything is published: a new database gets its first checkpoint (with
 * the seed, so a kill before the next one restarts the same story); a continued one is moved to now and checkpointed
 * (so a later replay starts from the moved schedule); a new epoch clears the old epoch's journal.
 */
export function beginStory(store: Store, story: Story, now: number): void {
  resumeSchedule(story.sim, now);
  if (story.kind === 'new_epoch') {
    store.commit({ events: [], roster: roster(story.sim) });
    store.restartEpoch(story.sim.snapshot());
    return;
  }
  const sequence = store.head();
  store.commit({
    events: [],
    ...(story.kind === 'new' ? { roster: roster(story.sim) } : {}),
    checkpoint: { sequence, state: checkpointOf(story.sim, story.kind === 'continued' ? story.keys : {}) },
  });
}

function roster(sim: Simulation) {
  return sim
    .agents()
    .map((a) => ({ agent_id: a.agent_id, strategy: a.strategy, generation: a.generation, parent: a.parent }));
}
