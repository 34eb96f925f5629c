// The servers under test: Lineage (and Lineage with a heavy simulation), bare Bun pub/sub, Node + ws.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

export type TargetName = 'lineage' | 'lineage-durable' | 'lineage-sim' | 'bun' | 'node';

export const TARGET_LABELS: Record<TargetName, string> = {
  lineage: 'Lineage',
  'lineage-durable': 'Lineage, SQLite file (durable commits)',
  'lineage-sim': 'Lineage + 1,000-agent / 50-symbol sim',
  bun: 'bare Bun pub/sub',
  node: 'Node + ws',
};

/** What every server publishes: one market event per symbol per interval. */
export interface Workload {
  symbols: string[];
  intervalMs: number;
}

export interface Target {
  name: TargetName;
  command(workload: Workload): string[];
  /** Topics the load clients hold to get every event of the workload (and nothing else). */
  clientTopics(workload: Workload): string[];
}

/** The every-family topic list of the reference connection. */
export const REFERENCE_TOPICS = ['market', 'agent', 'arena'];

export function benchSymbols(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `S${String(i).padStart(2, '0')}-USD`);
}

/** Symbols of the heavy simulation: the workload's, then fillers up to 50. */
export const SIM_SYMBOLS = 50;
export const SIM_AGENTS = 1000;

function lineageCommand(
  workload: Workload,
  extra: { symbols: string[]; agents: number; agentIntervalMs: number; arenaRoundMs: number; db?: string },
): string[] {
  return [
    'bun',
    `${ROOT}src/main.ts`,
    '--port',
    '0',
    '--metrics-port',
    '0',
    '--db',
    extra.db ?? ':memory:',
    '--seed',
    '42',
    '--market-interval-ms',
    String(workload.intervalMs),
    // The compared workload is the market ticks every server publishes; the books' own streams are not in it.
    '--market-data',
    'off',
    '--symbols',
    extra.symbols.join(','),
    '--agents',
    String(extra.agents),
    '--agent-interval-ms',
    String(extra.agentIntervalMs),
    '--arena-round-ms',
    String(extra.arenaRoundMs),
    '--idle-timeout-s',
    '960',
    '--max-message-rate',
    '1000',
  ];
}

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
  switch (name) {
    case 'lineage':
      return {
        name,
        // The minimum population (3 agents) reporting once an hour, no arena round: only market events flow.
        command: (w) =>
          lineageCommand(w, { symbols: w.symbols, agents: 3, agentIntervalMs: 3_600_000, arenaRoundMs: 86_400_000 }),
        clientTopics: () => ['market'],
      };
    case 'lineage-durable':
      return {
        name,
        // As `lineage`, journaling to a SQLite file with synchronous = FULL: what a durable commit costs per delivery.
        command: (w) =>
          lineageCommand(w, {
            symbols: w.symbols,
            agents: 3,
            agentIntervalMs: 3_600_000,
            arenaRoundMs: 86_400_000,
            db: join(mkdtempSync(join(tmpdir(), 'lineage-bench-')), 'lineage.db'),
          }),
        clientTopics: () => ['market'],
      };
    case 'lineage-sim':
      return {
        name,
        command: (w) => {
          const fill = benchSymbols(SIM_SYMBOLS).map((s) => `X${s}`);
          const symbols = [...w.symbols, ...fill].slice(0, Math.max(SIM_SYMBOLS, w.symbols.length));
          return lineageCommand(w, { symbols, agents: SIM_AGENTS, agentIntervalMs: 1000, arenaRoundMs: 10_000 });
        },
        // The same events per client as `lineage`: the workload's symbols, one narrow topic each.
        clientTopics: (w) => w.symbols.map((s) => `market.${s}`),
      };
    case 'bun':
      return {
        name,
        command: (w) => ['bun', `${ROOT}bench/peers/bun-pubsub.ts`, ...peerArgs(w)],
        clientTopics: () => ['market'],
      };
    case 'node':
      return { name, command: (w) => ['/usr/bin/node', nodeBundle(), ...peerArgs(w)], clientTopics: () => ['market'] };
  }
}
