// Command-line options shared by the reference servers.

export interface PeerArgs {
  host: string;
  port: number;
  symbols: string[];
  intervalMs: number;
  history: number;
  /** The peer exits by itself after this long (a bench that dies never leaves it running). */
  maxLifetimeS: number;
}

export function parsePeerArgs(argv: readonly string[]): PeerArgs {
  const get = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i !== -1 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const n = Number(get(name, String(fallback)));
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name}: must be an integer in [${min}, ${max}]`);
    return n;
  };
  const symbols = get('symbols', 'BTC-USD,ETH-USD')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (symbols.length === 0) throw new Error('--symbols: needs at least one symbol');
  return {
    host: get('host', '127.0.0.1'),
    port: int('port', 0, 0, 65535),
    symbols,
    intervalMs: int('interval-ms', 100, 1, 3_600_000),
    history: int('history', 20_000, 16, 10_000_000),
    maxLifetimeS: int('max-lifetime-s', 900, 1, 86_400),
  };
}
