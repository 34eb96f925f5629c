// The servers under test: Lineage (and its variants: heavy simulation, durable commits, compression, SSE, market data
// with slow readers, the realistic load small and large), bare Bun pub/sub, Node + ws.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientOptions, PLAIN_CLIENT } from '../load/commands.ts';
import { ROOT } from './paths.ts';

export const TARGET_NAMES = [
  'lineage',
  'lineage-durable',
  'lineage-sim',
  'bun',
  'node',
  'lineage-compression-off',
  'lineage-compression-shared',
  'lineage-compression-dedicated',
  'lineage-sse',
  'lineage-busy',
  'lineage-slow',
  'lineage-slow-conflated',
  'lineage-realistic-small',
  'lineage-realistic',
  'lineage-box',
  'lineage-gc',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** The yardsticks: what they do overloaded is measured, not promised (Lineage's servers must not lose, ever). */
export const REFERENCE_TARGETS: ReadonlySet<TargetName> = new Set<TargetName>(['bun', 'node']);

export const TARGET_LABELS: Record<TargetName, string> = {
  lineage: 'Lineage',
  'lineage-durable': 'Lineage, SQLite file (durable commits)',
  'lineage-sim': 'Lineage + 1,000-agent / 50-symbol sim',
  bun: 'bare Bun pub/sub',
  node: 'Node + ws',
  'lineage-compression-off': 'Lineage, --compression off (clients offer deflate)',
  'lineage-compression-shared': 'Lineage, --compression shared',
  'lineage-compression-dedicated': 'Lineage, --compression dedicated',
  'lineage-sse': 'Lineage, SSE (/sse)',
  'lineage-busy': 'Lineage, market data on, fast readers only',
  'lineage-slow': 'Lineage, market data on, + slow readers (loss-free)',
  'lineage-slow-conflated': 'Lineage, market data on, + slow readers (conflate_ms)',
  'lineage-realistic-small': "Lineage, books' streams on, 5 agents, the clients' symbols only",
  'lineage-realistic': "Lineage, books' streams on, 1,000 agents, 50 symbols",
  'lineage-box': 'Lineage box: Redis + sim node + gateways on one port',
  'lineage-gc': 'Lineage, a full GC before each memory reading (--metrics-gc on)',
};

/** What every server publishes: one market event per symbol per interval (and, with `marketData`, the books' streams). */
export interface Workload {
  symbols: string[];
  intervalMs: number;
  /** Lineage publishes its books' trades, deltas and candles too (`--market-data trades,book,candles`). */
  marketData?: boolean;
  /** More server flags for this workload (`--send-buffer-bytes`, `--history`). */
  serverArgs?: string[];
}

export interface Target {
  name: TargetName;
  command(workload: Workload): string[];
  /** The symbols the server runs: the workload's, or with the heavy simulation, fillers after them up to 50. */
  serverSymbols(workload: Workload): string[];
  /** Topics the load clients hold to get every event of the workload (and nothing else). */
  clientTopics(workload: Workload): string[];
  /** How its load clients connect (a WebSocket without extensions unless said otherwise). */
  client: ClientOptions;
  /** Its heap reading is the live heap: the server collects all garbage before each (`--metrics-gc on`). */
  liveHeap?: true;
}

/** The every-family topic list of the reference connection: it must see every sequence the server publishes. */
export function referenceTopics(workload: Workload): string[] {
  const base = ['market', 'agent', 'arena'];
  if (workload.marketData !== true) return base;
  // A book exists only per symbol (there is no family-wide `book` topic).
  return [...base, 'trades', 'candles', ...workload.symbols.map((s) => `book.${s}`)];
}

/** The conflatable topics of a market-data workload: tickers, every book, candles (trades are never conflated). */
export function stateTopics(workload: Workload): string[] {
  return ['market', 'candles', ...workload.symbols.map((s) => `book.${s}`)];
}

export function benchSymbols(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `S${String(i).padStart(2, '0')}-USD`);
}

/** Symbols of the heavy simulation: the workload's, then fillers up to 50. */
export const SIM_SYMBOLS = 50;
export const SIM_AGENTS = 1000;
/** The small realistic run: the five founders (the population's floor is 3; the founders are never culled). */
export const SMALL_AGENTS = 5;

/** The workload's symbols, then `X`-prefixed fillers up to SIM_SYMBOLS (the clients never hold the fillers). */
export function simSymbols(workload: Workload): string[] {
  const fill = benchSymbols(SIM_SYMBOLS).map((s) => `X${s}`);
  return [...workload.symbols, ...fill].slice(0, Math.max(SIM_SYMBOLS, workload.symbols.length));
}

/** One narrow `market.<SYMBOL>` topic per workload symbol: the same events per client whatever else the server runs. */
export function narrowMarketTopics(workload: Workload): string[] {
  return workload.symbols.map((s) => `market.${s}`);
}

/** The flags of a Lineage node for `workload` (every node of a box gets the same), without its ports. */
export function lineageFlags(
  workload: Workload,
  extra: {
    symbols: string[];
    agents: number;
    /** Absent: the server's default rate. */
    agentIntervalMs?: number;
    arenaRoundMs?: number;
    db?: string;
    compression?: 'off' | 'shared' | 'dedicated';
  },
): string[] {
  return [
    '--db',
    extra.db ?? ':memory:',
    '--seed',
    '42',
    '--market-interval-ms',
    String(workload.intervalMs),
    // The compared workload is the market ticks every server publishes; the books' own streams only when asked for.
    '--market-data',
    workload.marketData === true ? 'trades,book,candles' : 'off',
    '--compression',
    extra.compression ?? 'off',
    '--symbols',
    extra.symbols.join(','),
    '--agents',
    String(extra.agents),
    ...(extra.agentIntervalMs === undefined ? [] : ['--agent-interval-ms', String(extra.agentIntervalMs)]),
    ...(extra.arenaRoundMs === undefined ? [] : ['--arena-round-ms', String(extra.arenaRoundMs)]),
    '--idle-timeout-s',
    '960',
    '--max-message-rate',
    '1000',
    ...(workload.serverArgs ?? []),
  ];
}

function lineageCommand(workload: Workload, extra: Parameters<typeof lineageFlags>[1]): string[] {
  return ['bun', `${ROOT}src/main.ts`, '--port', '0', '--metrics-port', '0', ...lineageFlags(workload, extra)];
}

/** The minimum population (3 agents) reporting once an hour, no arena round: only market events flow. */
export const QUIET = { agents: 3, agentIntervalMs: 3_600_000, arenaRoundMs: 86_400_000 };

function peerArgs(workload: Workload): string[] {
  return [
    '--port',
    '0',
    '--symbols',
    workload.symbols.join(','),
    '--interval-ms',
    String(workload.intervalMs),
    '--history',
    '20000',
    '--max-lifetime-s',
    '900',
  ];
}

export function target(name: TargetName, nodeBundle: () => string): Target {
  const plain = { client: PLAIN_CLIENT, clientTopics: () => ['market'], serverSymbols: (w: Workload) => w.symbols };
  switch (name) {
    case 'lineage':
    case 'lineage-busy':
    case 'lineage-slow':
    case 'lineage-slow-conflated':
      // The slow-reader variants differ in the clients the scenario adds, not in the server.
      return {
        name,
        ...plain,
        command: (w) => lineageCommand(w, { symbols: w.symbols, ...QUIET }),
        ...(name === 'lineage' ? {} : { clientTopics: stateTopics }),
      };
    case 'lineage-gc':
      return {
        name,
        ...plain,
        // As `lineage`, but each memory reading comes after a full collection: what the server holds, not what it has
        // not collected yet.
        command: (w) => [...lineageCommand(w, { symbols: w.symbols, ...QUIET }), '--metrics-gc', 'on'],
        liveHeap: true,
      };
    case 'lineage-durable':
      return {
        name,
        ...plain,
        // As `lineage`, journaling to a SQLite file with synchronous = FULL: what a durable commit costs per delivery.
        command: (w) =>
          lineageCommand(w, {
            symbols: w.symbols,
            ...QUIET,
            db: join(mkdtempSync(join(tmpdir(), 'lineage-bench-')), 'lineage.db'),
          }),
      };
    case 'lineage-sim':
      return {
        name,
        client: PLAIN_CLIENT,
        serverSymbols: simSymbols,
        command: (w) =>
          lineageCommand(w, {
            symbols: simSymbols(w),
            agents: SIM_AGENTS,
            agentIntervalMs: 1000,
            arenaRoundMs: 10_000,
          }),
        // The same events per client as `lineage`: the workload's symbols, one narrow topic each.
        clientTopics: narrowMarketTopics,
      };
    case 'lineage-realistic-small':
    case 'lineage-realistic': {
      // Agents and arena at the server's default rates; the scenario turns the books' streams on and picks each
      // client's topics from the workload's symbols, so both serve the same clients the same kinds of stream.
      const large = name === 'lineage-realistic';
      const symbols = large ? simSymbols : (w: Workload) => w.symbols;
      return {
        name,
        client: PLAIN_CLIENT,
        serverSymbols: symbols,
        command: (w) => lineageCommand(w, { symbols: symbols(w), agents: large ? SIM_AGENTS : SMALL_AGENTS }),
        clientTopics: narrowMarketTopics,
      };
    }
    case 'lineage-compression-off':
    case 'lineage-compression-shared':
    case 'lineage-compression-dedicated': {
      const compression = name === 'lineage-compression-off' ? 'off' : name.endsWith('shared') ? 'shared' : 'dedicated';
      return {
        name,
        // Every client offers permessage-deflate; with `off` the server declines it.
        client: { ...PLAIN_CLIENT, deflate: true },
        clientTopics: () => ['market'],
        serverSymbols: (w) => w.symbols,
        command: (w) => lineageCommand(w, { symbols: w.symbols, ...QUIET, compression }),
      };
    }
    case 'lineage-sse':
      return {
        name,
        client: { ...PLAIN_CLIENT, transport: 'sse' },
        clientTopics: () => ['market'],
        serverSymbols: (w) => w.symbols,
        command: (w) => lineageCommand(w, { symbols: w.symbols, ...QUIET }),
      };
    case 'lineage-box':
      return {
        name,
        ...plain,
        // Several processes, started by the box scenario (box-process.ts) with lineageFlags for every node.
        command: () => {
          throw new Error('lineage-box is a box of processes: only the box scenario starts it');
        },
      };
    case 'bun':
      return { name, ...plain, command: (w) => ['bun', `${ROOT}bench/peers/bun-pubsub.ts`, ...peerArgs(w)] };
    case 'node':
      return { name, ...plain, command: (w) => ['/usr/bin/node', nodeBundle(), ...peerArgs(w)] };
  }
}
