// What each scenario is given: its sizes, rates and windows (the profiles in profiles.ts fill them in), and which
// section of a profile holds them.
import type { Profile } from './profiles.ts';
import type { ScenarioName } from './result.ts';

export interface ScaleParams {
  /** Held connections at each step; the last is the scale figure. */
  stages: number[];
  symbols: number;
  intervalMs: number;
  settleMs: number;
  measureMs: number;
  perLoader: number;
  concurrency: number;
}

export interface FanoutParams {
  connections: number;
  symbols: number;
  intervalMs: number;
  warmMs: number;
  measureMs: number;
  loaders: number;
  concurrency: number;
}

export interface ChurnParams {
  steady: number;
  togglers: number;
  loopers: number;
  symbols: number;
  intervalMs: number;
  warmMs: number;
  /** Length of one churn cycle. */
  churnMs: number;
  /** Churn cycles in the CPU window, each followed by a quiet settle and an RSS (and heap) reading. */
  cycles: number;
  /**
   * Churn cycles before the window (not timed): every server has run its churn paths once. Their RSS and heap are read
   * like the others', so memory is judged from the first churn of all.
   */
  practiceCycles: number;
  /** Quiet time after each cycle before RSS is read again. */
  settleMs: number;
  holdMs: [number, number];
  toggleGapMs: [number, number];
  loaders: number;
  concurrency: number;
}

export interface StormParams {
  connections: number;
  symbols: number;
  intervalMs: number;
  warmMs: number;
  /** Storms run after the warm-up and before the window (not measured): every server has run its resume path once. */
  practiceRounds: number;
  rounds: number;
  roundGapMs: number;
  /** How long each client stays away (so it misses events and the resume has something to replay). */
  offlineMs: number;
  jitterMs: number;
  loaders: number;
  concurrency: number;
}

/** Slow readers beside fast ones on a busy market (the books' streams on): loss-free, or conflated. */
export interface SlowReaderParams {
  /** Readers that keep up (their age and CPU per delivery are the baseline). */
  fast: number;
  /** Readers that take a fraction of a fast reader's bytes per second. */
  slow: number;
  slowFraction: number;
  /** `conflate_ms` of the conflated variant's slow readers. */
  conflateMs: number;
  symbols: number;
  intervalMs: number;
  /** The server's per-client send buffer: past it a loss-free reader is closed with 1013 and resumes. */
  sendBufferBytes: number;
  /** Events the server keeps for resume (the books' streams are many events per second). */
  history: number;
  warmMs: number;
  /** Measured on the fast readers before the slow ones connect: what a slow reader's rate is a fraction of. */
  calibrateMs: number;
  measureMs: number;
  loaders: number;
  concurrency: number;
}

/**
 * The realistic load (#15): the market with the books' streams on at the server's default rates, two servers (5 agents
 * and 10 symbols; 1,000 agents and 50 symbols) serving the same clients.
 */
export interface RealisticParams {
  connections: number;
  /** The workload's symbols: every client picks its own from these (the large server adds fillers no client holds). */
  symbols: number;
  /** Market topics each client holds (`market.<SYMBOL>`). */
  symbolsPerClient: number;
  /** Percent of the clients that also hold one of their symbols' `book.<SYMBOL>` and `trades.<SYMBOL>`. */
  bookSharePercent: number;
  /** The market interval (5,000 ms is the server's default; 20 book updates per interval). */
  intervalMs: number;
  /** Long enough for the books to fill and the agents to start trading. */
  warmMs: number;
  measureMs: number;
  loaders: number;
  concurrency: number;
}

/** Offered deliveries/s raised step by step until p99 event age passes a limit: the capacity curve and its knee. */
export interface CapacityParams {
  /** Held connections, the same at every step. */
  connections: number;
  symbols: number;
  /**
   * The market interval of each step, longest first (one server start each: it is a server flag). A step offers
   * connections × symbols × 1000 / interval deliveries/s; the last one is the step cap.
   */
  intervalsMs: number[];
  /** The p99 event age a step may reach and still count as keeping up (the knee is where the curve passes it). */
  p99LimitMs: number;
  /** A step over the limit on p99 alone is run again (a fresh server) this many times before it ends the curve. */
  retries: number;
  warmMs: number;
  measureMs: number;
  loaders: number;
  concurrency: number;
}

/**
 * The box (Redis, a sim node and `gateways` gateways sharing one port) holding `connections`, next to one `--role all`
 * node holding a gateway's share (`connections / gateways`) of the same workload.
 */
export interface BoxParams {
  connections: number;
  gateways: number;
  symbols: number;
  intervalMs: number;
  /** Connections opened per step (each step is logged with every gateway's count). */
  step: number;
  settleMs: number;
  measureMs: number;
  /** Most connections one load process holds (its fd limit); each load process has its own 127.0.0.x to connect to. */
  perLoader: number;
  concurrency: number;
}

/** The profile section each scenario's parameters live in. */
export const SCENARIO_PARAMS: Record<ScenarioName, keyof Omit<Profile, 'name' | 'rounds' | 'stallMs'>> = {
  scale: 'scale',
  fanout: 'fanout',
  churn: 'churn',
  storm: 'storm',
  compression: 'compression',
  'slow-reader': 'slowReader',
  sse: 'sse',
  realistic: 'realistic',
  capacity: 'capacity',
  box: 'box',
};
