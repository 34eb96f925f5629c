// The simulation worker: the single writer. Drives the pure model on its schedule (paced by the monotonic clock),
// stamps sequences, serializes once, journals every batch (with checkpoints and arena records) in one durable
// transaction, then posts it to the main thread. A step that takes a while to compute is computed just ahead of its
// time and only committed and posted when due (`step-lead.ts`); nothing outside sees it before. On start it continues
// the journal's story or begins a new epoch.

import { describeError } from '../lib/describe-error.ts';
import {
  HostMessage,
  type PublishedEvent,
  type WorkerMessage,
  type WorkerStartOptions,
} from '../protocol/worker-messages.ts';
import type { SimEvent, Simulation } from '../sim/index.ts';
import { Store } from '../store/store.ts';
import { EventEncoder } from './event-encoder.ts';
import { commitPatiently } from './first-commit.ts';
import { JournalWriter, LockedTooLong } from './journal-writer.ts';
import { Outbox } from './outbox.ts';
import { alignSchedule, type Clock, Pacer, steppedClock, systemClock } from './pacer.ts';
import { readReplayCsv } from './replay-file.ts';
import { simulationOptionsFor } from './simulation-options.ts';
import { withSlowSteps } from './slowed-simulation.ts';
import { StepLead } from './step-lead.ts';
import { sliceStep } from './step-slices.ts';
import { beginStory, checkpointOf, resumeStory, type Story } from './story.ts';
import { WakeTimer } from './wake-timer.ts';
import { freshTimes, replyTo, type StepTimes, statsOf, timeStep } from './worker-answers.ts';

declare const self: Worker;

const STATS_EVERY_MS = 1000;
/** At shutdown, how long a batch held by another process's lock may still be tried. */
const FINAL_COMMIT_MS = 1000;

interface Running {
  sim: Simulation;
  store: Store;
  writer: JournalWriter;
  /** The steps' slices not handed out yet: held by a locked database, or computed ahead of their time. */
  outbox: Outbox;
  lead: StepLead;
  pacer: Pacer;
  clock: Clock;
  options: WorkerStartOptions;
  /** Monotonic time of the last committed checkpoint. */
  lastCheckpoint: number;
}

let running: Running | null = null;
const wake = new WakeTimer();
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
  const writer = new JournalWriter(
    store,
    {
      committed: (batch) => {
        if (batch.checkpoint) r.lastCheckpoint = clock.mono();
        r.outbox.committed(batch);
      },
      notice: (message) => post({ type: 'notice', message }),
      mono: () => clock.mono(),
    },
    t?.lockGiveUpMs,
  );
  const encoder = new EventEncoder(head, story.kind === 'continued' ? story.keys : {});
  const r: Running = {
    sim: withSlowSteps(story.sim, t?.slowStepMs),
    store,
    writer,
    outbox: new Outbox(encoder, writer, (events) => post({ type: 'events', events }), options.history, head),
    lead: new StepLead(),
    pacer,
    clock,
    options,
    lastCheckpoint: clock.mono(),
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
  statsTimer = setInterval(() => r.outbox.whenPublished(r.pacer.now(), postStats), STATS_EVERY_MS);
  loop();
}

function loop(): void {
  wake.cancel();
  const r = running;
  if (stopped || r === null) return;
  try {
    // Due slices first; while one computed ahead waits for its time, nothing else runs.
    if (r.writer.retry() && r.outbox.release(r.pacer.now()) && r.outbox.pending === 0) step(r);
    if (r.outbox.runDeferred(r.pacer.now()) && !r.writer.blocked && r.outbox.pending === 0) ahead(r);
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
  wake.at(nextWakeAt(r), loop);
}

/** When to wake (monotonic ms): the held commit's retry, the held slice's time, or the lead before the next step. */
function nextWakeAt(r: Running): number {
  if (r.writer.blocked) return r.clock.mono() + r.writer.retryInMs;
  const held = r.outbox.nextDueAt();
  if (held !== null) return r.pacer.monoAt(held);
  // Silent flow micro-steps (no book, trade, candle or order stream) cost no wake-up: the next eventful step runs them.
  return r.pacer.monoAt(r.sim.nextDueAt(true) - r.lead.ms());
}

function step(r: Running): void {
  // A moved schedule (stepped wall clock, long stall) is checkpointed before any event uses it, so a replay from the
  // checkpoint regenerates the same timestamps.
  const { now, moved } = alignSchedule(r.pacer, r.sim);
  if (moved && !checkpoint(r, now)) return;
  if (!compute(r, now)) return;
  if (r.clock.mono() - r.lastCheckpoint >= r.options.checkpointMs) checkpoint(r, now);
}

/** Commit a checkpoint of the model as it stands (only `step` calls this: nothing computed ahead is waiting). */
function checkpoint(r: Running, now: number): boolean {
  r.outbox.push([], now, now, () => modelState(r));
  return r.outbox.release(now);
}

const modelState = (r: Running): unknown => checkpointOf(r.sim, r.outbox.encoder.keys.state());

/** The next eventful step, when it is due within the lead: computed and encoded now, committed and posted when due. */
function ahead(r: Running): void {
  const next = r.sim.nextDueAt(true);
  const now = r.pacer.now();
  // (Whole milliseconds: a wake-up at the lead's start may read just under it.)
  if (next > now && next - now <= r.lead.ms() + 1) compute(r, next);
}

/**
 * Run every step due by `until`, one at a time, each encoded into slices as it runs: a step's market ticks never wait
 * for agent reports, round ends or checkpoints (milliseconds at scale), and sequences keep the model's order. Slices
 * already due are committed and posted at once. False while one is held by another process's lock.
 */
function compute(r: Running, until: number): boolean {
  const events: SimEvent[] = [];
  const t0 = performance.now();
  let ran = false;
  for (;;) {
    const dueAt = r.sim.nextDueAt();
    const s0 = performance.now();
    const kind = r.sim.stepOnce(until, events);
    if (kind === null) break;
    ran = true;
    timeStep(times, kind, performance.now() - s0);
    // A round's end is checkpointed with it, so a restart never runs a committed round again.
    const roundEnd = events.some((e) => e.kind === 'arena');
    for (const s of sliceStep(events, roundEnd))
      r.outbox.push(s.events, dueAt, r.pacer.now(), s.checkpoint ? () => modelState(r) : undefined);
    events.length = 0;
    // Held by another process's lock: the model waits until every slice of this step is committed.
    if (!r.outbox.release(r.pacer.now())) return false;
  }
  if (ran) r.lead.record(performance.now() - t0);
  return true;
}

/** Each book as it stands, at its last event's sequence, to seed a hub's books (one that never moved is empty). */
function bookSnapshots(r: Running): PublishedEvent[] {
  const books: SimEvent[] = [];
  if (r.options.marketData.book) r.sim.bookSnapshots(books);
  return books.filter((e) => e.kind === 'book' && e.data.update_id > 0).map((e) => r.outbox.encoder.restate(e));
}

function postStats(): void {
  const r = running;
  if (r === null) return;
  post({ type: 'stats', stats: statsOf(r.sim, times, r.outbox.finalCapital) });
  times = freshTimes();
}

function stop(): void {
  if (stopped) {
    // Already stopped by a failure: nothing more to write, but the host is waiting to hear it.
    post({ type: 'stopped' });
    return;
  }
  stopped = true;
  wake.cancel();
  if (statsTimer !== null) clearInterval(statsTimer);
  const r = running;
  if (r !== null) {
    try {
      // A batch held by a lock is committed (and published) first; if it cannot be, the last checkpoint and the journal
      // stay as they are (consistent), and nothing uncommitted was ever published. Every slice of the steps that ran
      // (one computed ahead too, a little early) is committed before the final checkpoint, which includes its state.
      let written = r.writer.drain(FINAL_COMMIT_MS);
      while (written && !r.outbox.release(Number.POSITIVE_INFINITY)) written = r.writer.drain(FINAL_COMMIT_MS);
      r.outbox.runDeferred(Number.POSITIVE_INFINITY);
      if (written) {
        r.outbox.push([], 0, 0, () => modelState(r));
        if (!r.outbox.release(0) && !r.writer.drain(FINAL_COMMIT_MS))
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
    case 'stop':
      stop();
      return;
    case 'query':
    case 'new_epoch': {
      const r = running;
      if (r === null) return post({ type: 'reply', id: message.id, ok: false, error: 'not started' });
      // Due steps (silent micro-steps too) first: the answer is as of now, and never of a step computed ahead.
      if (message.type === 'query' && !r.writer.blocked) loop();
      r.outbox.whenPublished(r.pacer.now(), () =>
        post(
          running === null
            ? { type: 'reply', id: message.id, ok: false, error: 'the simulation stopped' }
            : replyTo(running.sim, running.store, message, running.outbox.encoder.sequence),
        ),
      );
      return;
    }
  }
};
