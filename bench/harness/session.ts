// One server under test plus its load processes, and the steps every scenario is built from.
import type { ClientGroup, ClientOptions, ConnectReply, FinishReply, WindowReply } from '../load/commands.ts';
import { Histogram } from '../stats/histogram.ts';
import type { LossTotals } from '../stats/loss.ts';
import { cpuPerMillion } from '../stats/proc-stats.ts';
import { LoadFleet, splitGroups } from './load-fleet.ts';
import { startServerProcess } from './server-process.ts';
import { referenceTopics, type Target, type Workload } from './targets.ts';

export interface RunContext {
  clkTck: number;
  nodeBundle(): string;
  log(line: string): void;
}

/** What the load connects to: one server process, or a box of them (box-process.ts). */
export interface Served {
  /** The URL load process `i` connects to. */
  urlFor(i: number): string;
  /** CPU seconds and RSS bytes of what the figures measure (a box: its gateways together). */
  cpuSeconds(): number;
  /** CPU seconds of the main thread(s) alone (sockets, publish). */
  mainThreadCpuSeconds(): number;
  rssBytes(): number;
  /** What the server process printed (one process only; a box has none). */
  output?(): string;
  /** End every process of it, whatever state it is in. */
  stop(): Promise<void>;
}

export interface Session {
  server: Served;
  fleet: LoadFleet;
  /** Topics the load clients hold. */
  topics: string[];
  /** How they connect. */
  client: ClientOptions;
}

/** Start the server and `loaders` load processes, run `fn`, and end every process whatever happens. */
export async function withSession<T>(
  ctx: RunContext,
  target: Target,
  workload: Workload,
  loaders: number,
  lifetimeMs: number,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  const server = await startServerProcess(target.command(workload), 20_000, ctx.clkTck);
  return withServer(ctx, { ...server, urlFor: () => server.url }, target, workload, loaders, lifetimeMs, fn);
}

/** Start `loaders` load processes against a started `server`, run `fn`, then end them and the server, whatever happens. */
export async function withServer<T>(
  ctx: RunContext,
  server: Served,
  target: Target,
  workload: Workload,
  loaders: number,
  lifetimeMs: number,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  let fleet: LoadFleet | null = null;
  try {
    // The reference holds every book the server has (its filler symbols' too), or its sequence would have holes.
    const reference = referenceTopics({ ...workload, symbols: target.serverSymbols(workload) });
    fleet = await LoadFleet.start(server.urlFor, loaders, reference, lifetimeMs, ctx.clkTck);
    return await fn({ server, fleet, topics: target.clientTopics(workload), client: target.client });
  } finally {
    await fleet?.stop();
    await server.stop();
  }
}

export interface Connected {
  opened: number;
  failed: number;
  /** Wall time of the slowest load process. */
  seconds: number;
  connectMs: Histogram;
}

/** Open `n` more held connections holding the session's topics, spread over the load processes. */
export function connect(s: Session, n: number, concurrency: number): Promise<Connected> {
  return connectGroups(s, [{ count: n, topics: s.topics }], concurrency);
}

/** Open more held connections, each group's holding its own topics, every group spread over the load processes. */
export async function connectGroups(
  s: Session,
  groups: readonly ClientGroup[],
  concurrency: number,
): Promise<Connected> {
  const perLoader = splitGroups(groups, s.fleet.size);
  const replies = await s.fleet.all<ConnectReply>(
    (i) => ({ cmd: 'connect', groups: perLoader[i] ?? [], concurrency, client: s.client }),
    180_000,
  );
  const connectMs = new Histogram();
  for (const r of replies) connectMs.merge(r.connectMs);
  return {
    opened: replies.reduce((a, r) => a + r.opened, 0),
    failed: replies.reduce((a, r) => a + r.failed, 0),
    seconds: Math.max(...replies.map((r) => r.seconds)),
    connectMs,
  };
}

export interface Window {
  deliveries: number;
  /** Bytes the held clients read from their sockets. */
  bytes: number;
  seconds: number;
  ages: Histogram;
  /** Per event, its first arrival (per load process): the server's pipeline latency without the burst's reading. */
  firstAges: Histogram;
  cpuSeconds: number;
  /** The server's main thread alone (sockets and publish; the rest is its workers, JIT and GC threads). */
  mainThreadCpuSeconds: number;
  loadCpuSeconds: number;
  receiving: number;
  held: number;
}

export interface WindowMark {
  cpu0: number;
  main0: number;
  load0: number;
  t0: number;
}

export function startWindow(s: Session): Promise<WindowMark> {
  const mark = {
    cpu0: s.server.cpuSeconds(),
    main0: s.server.mainThreadCpuSeconds(),
    load0: s.fleet.cpuSeconds(),
    t0: performance.now(),
  };
  return s.fleet.all({ cmd: 'window-start' }).then(() => mark);
}

export async function stopWindow(s: Session, mark: WindowMark): Promise<Window> {
  const replies = await s.fleet.all<WindowReply>({ cmd: 'window-stop' });
  const cpu1 = s.server.cpuSeconds();
  const main1 = s.server.mainThreadCpuSeconds();
  const load1 = s.fleet.cpuSeconds();
  const ages = new Histogram();
  const firstAges = new Histogram();
  for (const r of replies) {
    ages.merge(r.ages);
    firstAges.merge(r.firstAges);
  }
  return {
    deliveries: replies.reduce((a, r) => a + r.deliveries, 0),
    bytes: replies.reduce((a, r) => a + r.bytes, 0),
    seconds: (performance.now() - mark.t0) / 1000,
    ages,
    firstAges,
    cpuSeconds: cpu1 - mark.cpu0,
    mainThreadCpuSeconds: main1 - mark.main0,
    loadCpuSeconds: load1 - mark.load0,
    receiving: replies.reduce((a, r) => a + r.receiving, 0),
    held: replies.reduce((a, r) => a + r.held, 0),
  };
}

/** Deliveries, ages and CPU over `ms` of steady state. */
export async function measure(s: Session, ms: number): Promise<Window> {
  const mark = await startWindow(s);
  await Bun.sleep(ms);
  return stopWindow(s, mark);
}

export function perMillion(w: Window): { server: number; load: number } {
  return { server: cpuPerMillion(w.cpuSeconds, w.deliveries), load: cpuPerMillion(w.loadCpuSeconds, w.deliveries) };
}

export interface Finished {
  loss: LossTotals;
  errors: Record<string, number>;
  held: number;
  /** Slowest load process's drain: how far behind the server was when the run ended. */
  drainSeconds: number;
}

/** Drain (until done, or no progress for `stallMs`), assess every client window for loss and repeats, close everything. */
export async function finish(s: Session, stallMs: number): Promise<Finished> {
  const replies = await s.fleet.all<FinishReply>({ cmd: 'finish', stallMs }, 180_000 + stallMs * 2);
  const loss: LossTotals = { windows: 0, checked: 0, lost: 0, duplicated: 0, unexpected: 0, unassessable: 0 };
  const errors: Record<string, number> = {};
  for (const r of replies) {
    for (const k of Object.keys(loss) as (keyof LossTotals)[]) loss[k] += r.loss[k];
    for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  }
  return {
    loss,
    errors,
    held: replies.reduce((a, r) => a + r.held, 0),
    drainSeconds: Math.max(...replies.map((r) => r.drainSeconds)),
  };
}

/** Sample RSS every `everyMs` for `ms`; returns the smallest and the last sample (bytes). */
export async function sampleRss(s: Session, ms: number, everyMs = 250): Promise<{ min: number; last: number }> {
  let min = Number.POSITIVE_INFINITY;
  let last = 0;
  const end = performance.now() + ms;
  do {
    last = s.server.rssBytes();
    min = Math.min(min, last);
    await Bun.sleep(everyMs);
  } while (performance.now() < end);
  return { min, last };
}
