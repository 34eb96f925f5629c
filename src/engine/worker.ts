// The simulation worker: the single writer. Drives the pure model on its schedule (paced by the monotonic clock),
// stamps sequences, serializes once, journals every batch (with checkpoints and arena records) in one durable
// transaction, then posts it to the main thread. On start it continues the journal's story or begins a new epoch.

import { describeError } from '../lib/describe-error.ts';
import {
  HostMessage,
  type PublishedEvent,
  type WorkerMessage,
  type WorkerStartOptions,
} from '../protocol/worker-messages.ts';
import type { SimEvent, Simulation } from '../sim/index.ts';
import { type Batch, type RoundWrite, Store } from '../store/store.ts';
import { EventEncoder, preciseNow } from './event-encoder.ts';
import { commitPatiently } from './first-commit.ts';
import { JournalWriter, LockedTooLong } from './journal-writer.ts';
import { alignSchedule, type Clock, Pacer, steppedClock, systemClock } from './pacer.ts';
import { readReplayCsv } from './replay-file.ts';
import { simulationOptionsFor } from './simulation-options.ts';
import { SliceQueue, sliceStep } from './step-slices.ts';
import { beginStory, checkpointOf, resumeStory, type Story } from './story.ts';
import { answerQuery, freshTimes, roundWrite, type StepTimes, statsOf, timeStep } from './worker-answers.ts';

declare const self: Worker;

const STATS_EVERY_MS = 1000;
/** At shutdown, how long a batch held by another process's lock may still be tried. */
const FINAL_COMMIT_MS = 1000;

interface Running {
  sim: Simulation;
  encoder: EventEncoder;
  store: Store;
  writer: JournalWriter;
  /** The steps' events not yet handed to the writer (a held slice holds the rest here). */
  slices: SliceQueue<SimEvent>;
  pacer: Pacer;
  clock: Clock;
  options: WorkerStartOptions;
  /** Monotonic time of the last committed checkpoint. */
  lastCheckpoint: number;
  /** Sequence at the last journal trim. */
  trimmedAt: number;
}

let running: Running | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let statsTimer: ReturnType<typeof setInterval> | null = null;
/** Step durations since the last stats; matching ones are also kept apart (see `timeStep`). */
let times: StepTimes = freshTimes();
let stopped = false;

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

async function start(options: WorkerStartOptions): Promise<void> {
  const t = options.testing;
  const clock =
    t?.wallStepAfterMs !== undefined && t.wallStepByMs !== undefined
      ? steppedClock(systemClock, t.wallStepAfterMs, t.wallStepByMs)
      : systemClock;
  const pacer = new Pacer(clock);
  const replay = options.replayCsv === null ? undefined : { rows: await readReplayCsv(options.replayCsv) };
  const simOptions = simulationOptionsFor(options, pacer.now(), replay);
  const store = new Store(options.db);
  let story: Story;
  try {
    story = resumeStory(store, simOptions);
    await commitPatiently(
      store,
      clock,
      t?.lockGiveUpMs,
      () => beginStory(store, story, pacer.now()),
      (message) => post({ type: 'notice', message }),
    );
  } catch (error) {
    store.close();
    throw error;
  }
  const head = store.head();
  const r: Running = {
    sim: story.sim,
    encoder: new EventEncoder(head, story.kind === 'continued' ? story.keys : {}),
    store,
    writer: new JournalWriter(
      store,
      {
        publish: (events) => post({ type: 'events', events }),
        committed: (batch) => committed(r, batch),
        notice: (message) => post({ type: 'notice', message }),
        mono: () => clock.mono(),
      },
      t?.lockGiveUpMs,
    ),
    slices: new SliceQueue(),
    pacer,
    clock,
    options,
    lastCheckpoint: clock.mono(),
    trimmedAt: head,
  };
  running = r;
  const history = store.tail(options.history);
  if (history.length > 0) post({ type: 'history', events: history });
  post({
    type: 'ready',
    epoch: store.epoch,
    sequence: head,
    seed: story.seed,
    restored: story.kind === 'continued',
    replayed: story.kind === 'continued' ? story.replayed : 0,
    newEpochReason: story.kind === 'new_epoch' ? story.reason : null,
    symbols: r.sim.symbols(),
    latest: bookSnapshots(r),
  });
  statsTimer = setInterval(postStats, STATS_EVERY_MS);
  loop();
}

function loop(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  const r = running;
  if (stopped || r === null) return;
  try {
    if (r.writer.retry() && writeSlices(r)) step(r);
  } catch (error) {
    // Without its journal the writer cannot promise resume; stop and let the host exit non-zero.
    stopped = true;
    if (statsTimer !== null) clearInterval(statsTimer);
    running = null;
    // Nothing more will be written: release the database (and its one-writer lock) now.
    try {
      r.store.close();
    } catch {}
    const message = describeError(error);
    post({ type: 'fatal', message: error instanceof LockedTooLong ? message : `simulation step failed: ${message}` });
    return;
  }
  // Silent flow micro-steps (no book, trade, candle or order stream) cost no wake-up: the next eventful step runs them.
  timer = setTimeout(loop, r.writer.blocked ? r.writer.retryInMs : r.pacer.waitMs(r.sim.nextDueAt(true)));
}

function step(r: Running): void {
  // A moved schedule (stepped wall clock, long stall) is checkpointed before any event uses it, so a replay from the
  // checkpoint regenerates the same timestamps.
  const { now, moved } = alignSchedule(r.pacer, r.sim);
  if (moved && !flush(r, [], true)) return;
  // One model step at a time, each journaled and posted (in slices) as soon as it has run: a step's market ticks never
  // wait for agent reports, round ends or checkpoints (milliseconds at scale), and sequences keep the model's order.
  const events: SimEvent[] = [];
  for (;;) {
    const t0 = performance.now();
    const kind = r.sim.stepOnce(now, events);
    if (kind === null) break;
    timeStep(times, kind, performance.now() - t0);
    // A round's end is checkpointed with it, so a restart never runs a committed round again.
    const roundEnd = events.some((e) => e.kind === 'arena');
    r.slices.push(sliceStep(events, roundEnd));
    events.length = 0;
    // Held by another process's lock: the model waits until every slice of this step is committed.
    if (!writeSlices(r)) return;
  }
  if (r.clock.mono() - r.lastCheckpoint >= r.options.checkpointMs) flush(r, [], true);
}

/** Hand the pending slices to the writer in order; false while one is held by another process's lock. */
function writeSlices(r: Running): boolean {
  return r.slices.drain((s) => flush(r, s.events, s.checkpoint));
}

/** Journal a slice of events (with its rounds and, if asked, a checkpoint) in one transaction, then post it. */
function flush(r: Running, events: readonly SimEvent[], checkpoint: boolean): boolean {
  if (events.length === 0 && !checkpoint) return true;
  const createdAt = preciseNow();
  const published: PublishedEvent[] = [];
  const rounds: RoundWrite[] = [];
  for (const e of events) {
    const p = r.encoder.encode(e, createdAt);
    published.push(p);
    if (e.kind === 'arena') {
      rounds.push(roundWrite(e, p.sequence));
      finalCapital = new Map(e.data.ranking.map((x) => [x.agent_id, x.capital]));
    }
  }
  const batch: Batch = { events: published, rounds };
  if (checkpoint) {
    batch.checkpoint = { sequence: r.encoder.sequence, state: checkpointOf(r.sim, r.encoder.keys.state()) };
    // Keep the journal near the resume history: trim once it has grown by a tenth of it.
    const keep = Math.max(r.options.history, 1000);
    if (r.encoder.sequence - r.trimmedAt >= Math.max(1000, keep / 10)) batch.trimTo = keep;
  }
  return r.writer.write(batch, published);
}

function committed(r: Running, batch: Batch): void {
  if (batch.checkpoint) r.lastCheckpoint = r.clock.mono();
  if (batch.trimTo !== undefined) r.trimmedAt = batch.checkpoint?.sequence ?? r.trimmedAt;
}

/** Each book as it stands, at its last event's sequence, to seed a hub's books (one that never moved is empty). */
function bookSnapshots(r: Running): PublishedEvent[] {
  const books: SimEvent[] = [];
  if (r.options.marketData.book) r.sim.bookSnapshots(books);
  return books.filter((e) => e.kind === 'book' && e.data.update_id > 0).map((e) => r.encoder.restate(e));
}

/** Capital of each agent at the end of the last round (for lineage_arena_agent_final_capital). */
let finalCapital = new Map<string, number>();

function postStats(): void {
  const r = running;
  if (r === null) return;
  post({ type: 'stats', stats: statsOf(r.sim, times, finalCapital) });
  times = freshTimes();
}

function stop(): void {
  if (stopped) {
    // Already stopped by a failure: nothing more to write, but the host is waiting to hear it.
    post({ type: 'stopped' });
    return;
  }
  stopped = true;
  if (timer !== null) clearTimeout(timer);
  if (statsTimer !== null) clearInterval(statsTimer);
  const r = running;
  if (r !== null) {
    try {
      // A batch held by a lock is committed (and published) first; if it cannot be, the last checkpoint and the
      // journal stay as they are (consistent), and nothing uncommitted was ever published.
      // Every slice of the steps that ran is committed before the final checkpoint (which includes their model state).
      let written = r.writer.drain(FINAL_COMMIT_MS);
      while (written && !writeSlices(r)) written = r.writer.drain(FINAL_COMMIT_MS);
      if (written) {
        const state = checkpointOf(r.sim, r.encoder.keys.state());
        r.writer.write({ events: [], checkpoint: { sequence: r.encoder.sequence, state } }, []);
        if (!r.writer.drain(FINAL_COMMIT_MS))
          post({ type: 'notice', message: `final checkpoint skipped: ${r.store.path} is locked by another process` });
      } else
        post({
          type: 'notice',
          message: `${r.store.path} is locked by another process; the events not yet committed were never published`,
        });
    } catch (error) {
      post({ type: 'fatal', message: `final checkpoint failed: ${describeError(error)}` });
    }
    try {
      r.store.close();
    } catch {}
  }
  postStats();
  post({ type: 'stopped' });
}

self.onmessage = (event: MessageEvent) => {
  const parsed = HostMessage.safeParse(event.data);
  if (!parsed.success) {
    post({
      type: 'fatal',
      message: `worker: invalid message from host: ${parsed.error.issues[0]?.message ?? 'unknown'}`,
    });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'start':
      start(message.options).catch((error: unknown) => post({ type: 'fatal', message: describeError(error) }));
      return;
    case 'query':
      try {
        if (running === null) throw new Error('not started');
        if (!running.writer.blocked) loop(); // due steps (silent micro-steps too) first: the answer is as of now
        if (running === null) throw new Error('the simulation stopped');
        post({
          type: 'reply',
          id: message.id,
          ok: true,
          result: answerQuery(running.sim, running.store, message.query),
        });
      } catch (error) {
        post({ type: 'reply', id: message.id, ok: false, error: describeError(error) });
      }
      return;
    case 'stop':
      stop();
      return;
    case 'new_epoch':
      try {
        if (running === null) throw new Error('not started');
        post({ type: 'new_epoch', id: message.id, epoch: running.store.newEpoch() });
      } catch (error) {
        post({ type: 'reply', id: message.id, ok: false, error: describeError(error) });
      }
      return;
  }
};
