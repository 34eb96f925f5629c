// Headless simulation: runs the pure model as fast as it goes and writes wire JSON (NDJSON, one event per line,
// `sequence` from 1) to stdout. Usage:
//   bun run sim --seed S --agents N --symbols BTC-USD,ETH-USD --days D [--families market,agent,arena,trade,candle,book,order]
//               [--book-deltas] [--agent-interval-ms MS] [--arena-round-ms MS]
// Imports only the simulation and the protocol encoders. Bad flags: one line on stderr, exit 2.

import { EventEncoder, wireJson } from '../engine/event-encoder.ts';
import { describeError } from '../lib/describe-error.ts';
import { MAX_AGENTS, MIN_AGENTS, resolveOptions, type SimEvent, Simulation } from '../sim/index.ts';

const FAMILIES = ['market', 'agent', 'arena', 'trade', 'candle', 'book', 'order'] as const;
type Family = (typeof FAMILIES)[number];

export interface SimCliArgs {
  seed: number;
  agents: number;
  symbols: string[];
  days: number;
  families: Set<Family>;
  bookDeltas: boolean;
  agentIntervalMs: number;
  arenaRoundMs: number;
}

/** Fixed simulated start (2026-01-01T00:00:00Z) so two runs print identical timestamps. */
export const SIM_START = Date.UTC(2026, 0, 1);

class UsageError extends Error {}

function intArg(name: string, raw: string | undefined, min: number, max: number): number {
  const v = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || !Number.isSafeInteger(v) || v < min || v > max)
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw ?? '')}`);
  return v;
}

export function parseSimArgs(argv: readonly string[]): SimCliArgs {
  const out: SimCliArgs = {
    seed: 1,
    agents: 5,
    symbols: ['BTC-USD', 'ETH-USD', 'SOL-USD'],
    days: 1,
    families: new Set(['market', 'agent', 'arena']),
    bookDeltas: false,
    agentIntervalMs: 10_000,
    arenaRoundMs: 180_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const value = (): string | undefined => argv[++i];
    switch (flag) {
      case '--seed':
        out.seed = intArg('seed', value(), 0, 0xffffffff);
        break;
      case '--agents':
        out.agents = intArg('agents', value(), MIN_AGENTS, MAX_AGENTS);
        break;
      case '--days': {
        const raw = value();
        const d = Number(raw);
        if (raw === undefined || !Number.isFinite(d) || d <= 0 || d > 36_500)
          throw new UsageError(`--days must be a number in (0, 36500], got ${JSON.stringify(raw ?? '')}`);
        out.days = d;
        break;
      }
      case '--symbols': {
        const list = (value() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
        if (list.length === 0 || list.some((s) => !/^[A-Za-z0-9._/-]{1,32}$/.test(s)))
          throw new UsageError('--symbols must be a comma-separated list of symbols');
        out.symbols = list;
        break;
      }
      case '--families': {
        const list = (value() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
        const bad = list.find((f) => !(FAMILIES as readonly string[]).includes(f));
        if (list.length === 0 || bad !== undefined)
          throw new UsageError(
            `--families takes a comma-separated subset of ${FAMILIES.join(',')}${bad ? `, got ${JSON.stringify(bad)}` : ''}`,
          );
        out.families = new Set(list as Family[]);
        break;
      }
      case '--book-deltas':
        out.bookDeltas = true;
        break;
      case '--agent-interval-ms':
        out.agentIntervalMs = intArg('agent-interval-ms', value(), 1, 86_400_000);
        break;
      case '--arena-round-ms':
        out.arenaRoundMs = intArg('arena-round-ms', value(), 10, 86_400_000);
        break;
      default:
        throw new UsageError(
          `unknown flag ${JSON.stringify(flag)} (flags: --seed --agents --symbols --days --families --book-deltas --agent-interval-ms --arena-round-ms)`,
        );
    }
  }
  return out;
}

/** Wire JSON of one event: the server's own encoder. */
export { wireJson };

/** Run the model for `args.days` simulated days (24 market steps a day) and hand each wire line to `write`. */
export function runSim(args: SimCliArgs, write: (chunk: string) => void): { events: number; marketSteps: number } {
  const marketIntervalMs = 5000;
  const sim = new Simulation(
    resolveOptions({
      seed: args.seed,
      startTime: SIM_START,
      agents: args.agents,
      symbols: args.symbols,
      marketIntervalMs,
      agentIntervalMs: args.agentIntervalMs,
      arenaRoundMs: args.arenaRoundMs,
      marketData: {
        trades: args.families.has('trade'),
        candles: args.families.has('candle'),
        book: args.families.has('book'),
        orders: args.families.has('order'),
        bookDeltas: args.bookDeltas,
      },
    }),
  );
  const steps = Math.max(1, Math.round(args.days * 24));
  const end = SIM_START + steps * marketIntervalMs - 1;
  const events: SimEvent[] = [];
  const encoder = new EventEncoder(0);
  let buf = '';
  while (sim.stepOnce(end, events)) {
    for (const e of events) {
      if (!args.families.has(e.kind)) continue;
      buf += `${encoder.encode(e, 0).json}\n`;
    }
    events.length = 0;
    if (buf.length > 1 << 16) {
      write(buf);
      buf = '';
    }
  }
  if (buf.length > 0) write(buf);
  return { events: encoder.sequence, marketSteps: sim.stats().marketSteps };
}

if (import.meta.main) {
  let args: SimCliArgs;
  try {
    args = parseSimArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`sim: ${describeError(error)}\n`);
    process.exit(2);
  }
  const writer = Bun.stdout.writer();
  runSim(args, (chunk) => {
    writer.write(chunk);
  });
  await writer.end();
}
