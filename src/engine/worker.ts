// The simulation worker: the single writer. Drives the pure model on its schedule, stamps sequences, serializes once,
// journals every batch (with checkpoints and arena records) in one transaction, then posts it to the main thread.
import { HostMessage, type PublishedEvent, type WorkerMessage, type WorkerQuery, type WorkerStartOptions } from '../protocol/worker-messages.ts';
import { Simulation, parsePriceCsv, type SimEvent, type SimulationOptions } from '../sim/index.ts';
import { Store, type RoundWrite } from '../store/store.ts';
import { EventEncoder, preciseNow } from './event-encoder.ts';

declare const self: Worker;

const STATS_EVERY_MS = 1000;
/** Past this lag the schedule is rebased instead of replaying every missed step (e.g. after a suspend). */
const MAX_LAG_MS = 60_000;

interface Running {
  sim: Simulation;
  encoder: EventEncoder;
  store: Store;
  options: WorkerStartOptions;
  lastCheckpoint: number;
  /** Sequence at the last journal trim. */
  trimmedAt: number;
}

let running: Running | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let statsTimer: ReturnType<typeof setInterval> | null = null;
let stepMs: number[] = [];
let stopped = false;

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

async function start(options: WorkerStartOptions): Promise<void> {
  const now = Date.now();
  const replay = options.replayCsv === null ? undefined : { rows: await readReplay(options.replayCsv) };
  const simOptions: SimulationOptions = {
    seed: options.seed,
    symbols: options.symbols,
    startTime: now,
    marketIntervalMs: options.marketIntervalMs,
    agentIntervalMs: options.agentIntervalMs,
    arenaRoundMs: options.arenaRoundMs,
    agents: options.agents,
    feedErrorRate: options.feedErrorRate,
    feedLatencyMs: options.feedLatencyMs,
    quoteTtlMs: options.marketIntervalMs,
    ...(replay ? { replay } : {}),
  };
  const store = new Store(options.db);
  const checkpoint = store.checkpoint();
  let sim: Simulation;
  if (checkpoint !== null) {
    sim = Simulation.restore(checkpoint.state as never, simOptions);
    sim.rebase(now);
  } else {
    sim = new Simulation(simOptions);
    store.commit({ events: [], roster: sim.agents().map((a) => ({ agent_id: a.agent_id, strategy: a.strategy, generation: a.generation, parent: a.parent })) });
  }
  const head = store.head();
  running = { sim, encoder: new EventEncoder(head), store, options, lastCheckpoint: now, trimmedAt: head };
  const history = store.tail(options.history);
  if (history.length > 0) post({ type: 'history', events: history });
  post({ type: 'ready', epoch: store.epoch, sequence: head, seed: options.seed, restored: checkpoint !== null, symbols: sim.symbols() });
  statsTimer = setInterval(postStats, STATS_EVERY_MS);
  loop();
}

/** The CSV to replay; errors name the file and, for bad content, the line. */
async function readReplay(path: string) {
  let text: string;
  try {
    text = await Bun.file(path).text();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new Error(`--replay ${path}: cannot read the file${code === 'ENOENT' ? ' (no such file)' : code ? ` (${code})` : ''}`);
  }
  try {
    return parsePriceCsv(text);
  } catch (error) {
    throw new Error(`--replay ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function loop(): void {
  timer = null;
  const r = running;
  if (stopped || r === null) return;
  try {
    step(r);
  } catch (error) {
    // Without its journal the writer cannot promise resume; stop and let the host exit non-zero.
    stopped = true;
    post({ type: 'fatal', message: `simulation step failed: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  timer = setTimeout(loop, Math.max(0, r.sim.nextDueAt() - Date.now()));
}

function step(r: Running): void {
  const now = Date.now();
  if (now - r.sim.nextDueAt() > MAX_LAG_MS) r.sim.rebase(now);
  // One model step at a time, each journaled and posted as soon as it has run: a step's market ticks never wait for
  // agent reports, round ends or checkpoints (milliseconds at scale), and sequences keep the model's order.
  const events: SimEvent[] = [];
  let checkpointed = false;
  for (;;) {
    const t0 = performance.now();
    if (!r.sim.stepOnce(now, events)) break;
    stepMs.push(performance.now() - t0);
    const round = events.some((e) => e.kind === 'arena');
    flush(r, events, preciseNow(), round, now);
    checkpointed ||= round;
    events.length = 0;
  }
  if (!checkpointed && now - r.lastCheckpoint >= r.options.checkpointMs) flush(r, events, preciseNow(), true, now);
}

/** Journal a slice of events (with its rounds and, if asked, a checkpoint) in one transaction, then post it. */
function flush(r: Running, events: readonly SimEvent[], createdAt: number, checkpoint: boolean, now: number): void {
  if (events.length === 0 && !checkpoint) return;
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
  // A round's end is checkpointed with it, so a restart never runs a committed round again.
  r.store.commit({ events: published, rounds, ...(checkpoint ? { checkpoint: { sequence: r.encoder.sequence, state: r.sim.snapshot() } } : {}) });
  if (checkpoint) afterCheckpoint(r, now);
  if (published.length > 0) post({ type: 'events', events: published });
}

function afterCheckpoint(r: Running, now: number): void {
  r.lastCheckpoint = now;
  // Keep the journal near the resume history: trim once it has grown by a tenth of it.
  const keep = Math.max(r.options.history, 1000);
  if (r.encoder.sequence - r.trimmedAt >= Math.max(1000, keep / 10)) {
    r.store.trimJournal(keep);
    r.trimmedAt = r.encoder.sequence;
  }
}

function roundWrite(e: Extract<SimEvent, { kind: 'arena' }>, sequence: number): RoundWrite {
  const d = e.data;
  return { round: d.round, endedAt: e.at, winner: d.winner, sequence, result: d, births: d.births, deaths: d.deaths };
}

/** Capital of each agent at the end of the last round (for lineage_arena_agent_final_capital). */
let finalCapital = new Map<string, number>();

function postStats(): void {
  const r = running;
  if (r === null) return;
  const s = r.sim.stats();
  post({
    type: 'stats',
    stats: {
      cache_hits: s.cacheHits,
      cache_misses: s.cacheMisses,
      requests: s.requests,
      successes: s.successes,
      failures: s.failures,
      trades: s.trades,
      rounds: s.round - 1,
      skips: s.skips,
      step_ms: stepMs,
      agents: r.sim.agents().map((a) => ({
        agent_id: a.agent_id,
        capital: a.capital,
        trades_executed: a.trades_executed,
        win_rate: a.win_rate,
        scars: a.scars,
        wins: a.wins,
        final_capital: finalCapital.get(a.agent_id) ?? null,
      })),
    },
  });
  stepMs = [];
}

function answer(query: WorkerQuery): unknown {
  const r = running;
  if (r === null) throw new Error('not started');
  switch (query.kind) {
    case 'agents':
      return r.sim.agents();
    case 'agent': {
      const live = r.sim.agentDetail(query.id);
      const record = r.store.agent(query.id);
      if (live === undefined && record === null) return null;
      return { live: live ?? null, record, ancestry: live?.ancestry ?? ancestryFromStore(r.store, record?.parent ?? null) };
    }
    case 'rounds':
      return r.store.rounds(query.limit, query.before);
  }
}

function ancestryFromStore(store: Store, parent: string | null): string[] {
  const out: string[] = [];
  for (let p = parent; p !== null && out.length < 1000; p = store.agent(p)?.parent ?? null) out.push(p);
  return out;
}

function stop(): void {
  if (stopped) return;
  stopped = true;
  if (timer !== null) clearTimeout(timer);
  if (statsTimer !== null) clearInterval(statsTimer);
  const r = running;
  if (r !== null) {
    try {
      r.store.commit({ events: [], checkpoint: { sequence: r.encoder.sequence, state: r.sim.snapshot() } });
      r.store.close();
    } catch (error) {
      post({ type: 'fatal', message: `final checkpoint failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  postStats();
  post({ type: 'stopped' });
}

self.onmessage = (event: MessageEvent) => {
  const parsed = HostMessage.safeParse(event.data);
  if (!parsed.success) {
    post({ type: 'fatal', message: `worker: invalid message from host: ${parsed.error.issues[0]?.message ?? 'unknown'}` });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'start':
      start(message.options).catch((error: unknown) => post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }));
      return;
    case 'query':
      try {
        post({ type: 'reply', id: message.id, ok: true, result: answer(message.query) });
      } catch (error) {
        post({ type: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
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
        post({ type: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
      return;
  }
};
