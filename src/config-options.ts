// Every server option, once: its key, flag, env var, schema (with its default) and one line of help.
import { z } from 'zod';
import { CREDENTIAL_OPTIONS } from './config-credentials.ts';
import { KEY_PATTERN, splitTopicList } from './protocol/topics.ts';

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(min, `must be ≥ ${min}`)
    .max(max, `must be ≤ ${max}`);
const ratio = z.coerce
  .number({ error: 'must be a number between 0 and 1' })
  .min(0, 'must be between 0 and 1')
  .max(1, 'must be between 0 and 1');
/** A comma-separated list, entries trimmed, blanks dropped (the same split as `--topics`). */
const commaList = z.string().transform(splitTopicList);
/** An on/off switch, off unless set (true/false, on/off, 1/0). */
const switchOff = z
  .enum(['true', 'false', 'on', 'off', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === 'on' || v === '1')
  .default(false);
const host = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^[A-Za-z0-9.:_\-[\]]+$/, 'must be a host name or IP address');

const MARKET_DATA_FAMILIES = ['trades', 'book', 'candles', 'orders'] as const;

export const DEFAULT_SYMBOLS = [
  'BTC-USD',
  'ETH-USD',
  'SOL-USD',
  'XRP-USD',
  'ADA-USD',
  'DOGE-USD',
  'AVAX-USD',
  'LINK-USD',
];

/** Every option: its key, flag, env var, schema (with default) and one-line help. */
export const OPTIONS = {
  host: { flag: 'host', env: 'LINEAGE_HOST', schema: host.default('127.0.0.1'), help: 'WebSocket/HTTP listen address' },
  port: {
    flag: 'port',
    env: 'LINEAGE_PORT',
    schema: int(0, 65535).default(9001),
    help: 'WebSocket/HTTP port (0 = any free port)',
  },
  metricsHost: {
    flag: 'metrics-host',
    env: 'LINEAGE_METRICS_HOST',
    schema: host.default('127.0.0.1'),
    help: 'metrics listen address',
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'LINEAGE_METRICS_PORT',
    schema: int(0, 65535).default(9184),
    help: 'metrics port (0 = any free port)',
  },
  marketIntervalMs: {
    flag: 'market-interval-ms',
    env: 'LINEAGE_MARKET_INTERVAL_MS',
    schema: int(1, 3_600_000).default(5000),
    help: 'market tick interval',
  },
  agentIntervalMs: {
    flag: 'agent-interval-ms',
    env: 'LINEAGE_AGENT_INTERVAL_MS',
    schema: int(1, 3_600_000).default(10000),
    help: 'agent update interval',
  },
  arenaRoundMs: {
    flag: 'arena-round-ms',
    env: 'LINEAGE_ARENA_ROUND_MS',
    schema: int(10, 86_400_000).default(180_000),
    help: 'arena round length',
  },
  symbols: {
    flag: 'symbols',
    env: 'LINEAGE_SYMBOLS',
    schema: commaList
      .pipe(
        z
          .array(z.string().regex(KEY_PATTERN, 'symbols may only contain letters, digits, "-" and "_"'))
          .min(1, 'needs at least one symbol')
          .max(500, 'at most 500 symbols')
          .refine((a) => new Set(a).size === a.length, 'symbols must be unique'),
      )
      .default(DEFAULT_SYMBOLS),
    help: 'comma-separated symbols to simulate',
  },
  agents: {
    flag: 'agents',
    env: 'LINEAGE_AGENTS',
    schema: int(3, 5000).default(10),
    help: 'agent population size: the five founders (benchmarks, never culled), then agents that evolve',
  },
  marketData: {
    flag: 'market-data',
    env: 'LINEAGE_MARKET_DATA',
    schema: z
      .string()
      .transform((s) => (s.trim() === 'off' ? [] : s.split(',').map((x) => x.trim())))
      .pipe(z.array(z.enum(MARKET_DATA_FAMILIES, { error: 'must be off or a list of trades, book, candles, orders' })))
      .transform((list) => ({
        trades: list.includes('trades'),
        book: list.includes('book'),
        candles: list.includes('candles'),
        orders: list.includes('orders'),
      }))
      .default({ trades: true, book: true, candles: true, orders: true }),
    help: "market-data streams the books publish: trades, book, candles, orders (agents' private orders), or off",
  },
  bookDepth: {
    flag: 'book-depth',
    env: 'LINEAGE_BOOK_DEPTH',
    schema: int(1, 500).default(20),
    help: 'price levels per side in book snapshots and deltas',
  },
  seed: {
    flag: 'seed',
    env: 'LINEAGE_SEED',
    schema: int(0, 4_294_967_295).optional(),
    help: 'RNG seed (random when absent; printed at start)',
  },
  feedErrorRate: {
    flag: 'feed-error-rate',
    env: 'LINEAGE_FEED_ERROR_RATE',
    schema: ratio.default(0.01),
    help: 'share of market-data requests that fail',
  },
  feedLatencyMs: {
    flag: 'feed-latency-ms',
    env: 'LINEAGE_FEED_LATENCY_MS',
    schema: int(0, 60_000).default(20),
    help: 'simulated market-data latency',
  },
  replay: {
    flag: 'replay',
    env: 'LINEAGE_REPLAY',
    schema: z.string().min(1).optional(),
    help: 'replay prices from a CSV file (timestamp,symbol,price)',
  },
  db: {
    flag: 'db',
    env: 'LINEAGE_DB',
    schema: z.string().min(1, 'must not be empty').default('data/lineage.db'),
    help: 'SQLite database path (:memory: for none)',
  },
  checkpointMs: {
    flag: 'checkpoint-ms',
    env: 'LINEAGE_CHECKPOINT_MS',
    schema: int(100, 3_600_000).default(5000),
    help: 'model checkpoint interval',
  },
  history: {
    flag: 'history',
    env: 'LINEAGE_HISTORY',
    schema: int(16, 10_000_000).default(100_000),
    help: 'events kept for resume',
  },
  maxConnections: {
    flag: 'max-connections',
    env: 'LINEAGE_MAX_CONNECTIONS',
    schema: int(1, 1_000_000).default(50_000),
    help: 'concurrent WebSocket connections',
  },
  maxTopics: {
    flag: 'max-topics',
    env: 'LINEAGE_MAX_TOPICS',
    schema: int(1, 10_000).default(64),
    help: 'topics one connection may hold',
  },
  maxMessageRate: {
    flag: 'max-message-rate',
    env: 'LINEAGE_MAX_MESSAGE_RATE',
    schema: int(1, 100_000).default(50),
    help: 'client messages per second (burst 2×) before close 1008',
  },
  maxBadFrames: {
    flag: 'max-bad-frames',
    env: 'LINEAGE_MAX_BAD_FRAMES',
    schema: int(1, 100_000).default(20),
    help: 'invalid frames tolerated per 10 s before close 1008',
  },
  maxPayloadBytes: {
    flag: 'max-payload-bytes',
    env: 'LINEAGE_MAX_PAYLOAD_BYTES',
    schema: int(128, 16 * 1024 * 1024).default(64 * 1024),
    help: 'largest client frame; larger closes 1009',
  },
  sendBufferBytes: {
    flag: 'send-buffer-bytes',
    env: 'LINEAGE_SEND_BUFFER_BYTES',
    schema: int(4096, 256 * 1024 * 1024).default(1024 * 1024),
    help: 'per-client send buffer; past it the client is closed 1013',
  },
  compression: {
    flag: 'compression',
    env: 'LINEAGE_COMPRESSION',
    schema: z
      .enum(['off', 'shared', 'dedicated', 'true', 'false', 'on', '1', '0'], {
        error: 'must be off, shared or dedicated',
      })
      .transform((v) => (v === 'true' || v === 'on' || v === '1' ? 'shared' : v === 'false' || v === '0' ? 'off' : v))
      .default('off'),
    help: 'permessage-deflate: off, shared (each published frame compressed once) or dedicated (a window per socket)',
  },
  idleTimeoutS: {
    flag: 'idle-timeout-s',
    env: 'LINEAGE_IDLE_TIMEOUT_S',
    schema: int(8, 960).default(120),
    help: 'close silent connections after this (pings sent before)',
  },
  ...CREDENTIAL_OPTIONS,
  origins: {
    flag: 'origins',
    env: 'LINEAGE_ORIGINS',
    schema: commaList.optional(),
    help: 'comma-separated Origin allow-list for browser upgrades',
  },
  reusePort: {
    flag: 'reuse-port',
    env: 'LINEAGE_REUSE_PORT',
    schema: switchOff,
    help: 'share the WebSocket port with other processes on this box (SO_REUSEPORT): several gateways, one port',
  },
  metricsGc: {
    flag: 'metrics-gc',
    env: 'LINEAGE_METRICS_GC',
    schema: switchOff,
    help: 'diagnostics: a full garbage collection before each /metrics scrape reads the heap (the live heap, a pause per scrape)',
  },
  role: {
    flag: 'role',
    env: 'LINEAGE_ROLE',
    schema: z.enum(['all', 'sim', 'gateway'], { error: 'must be one of all, sim, gateway' }).default('all'),
    help: 'all = one process; sim = simulation + publish to Redis; gateway = serve clients from Redis',
  },
  redisUrl: {
    flag: 'redis-url',
    env: 'LINEAGE_REDIS_URL',
    schema: z
      .string()
      .regex(/^(redis|rediss|valkey):\/\/\S+$/, 'must be a redis:// URL')
      .optional(),
    help: 'Redis for --role sim/gateway (redis://host:port)',
  },
  redisPrefix: {
    flag: 'redis-prefix',
    env: 'LINEAGE_REDIS_PREFIX',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'may only contain letters, digits, ":", "_" and "-"')
      .default('lineage'),
    help: 'key prefix of the cluster in Redis (one cluster per prefix)',
  },
  shutdownRetryAfterMs: {
    flag: 'shutdown-retry-after-ms',
    env: 'LINEAGE_SHUTDOWN_RETRY_AFTER_MS',
    schema: int(0, 600_000).default(2000),
    help: 'told to clients in the shutdown notice: wait this long (plus jitter) before reconnecting',
  },
  shutdownTimeoutMs: {
    flag: 'shutdown-timeout-ms',
    env: 'LINEAGE_SHUTDOWN_TIMEOUT_MS',
    schema: int(100, 60_000).default(4000),
    help: 'grace period on SIGINT/SIGTERM',
  },
} satisfies Record<string, { flag: string; env: string; schema: z.ZodType; help: string }>;
