// The simulation's schedule: when the next market step, flow micro-step, agent report and round end are due.

import type { SimulationSnapshot } from './snapshot.ts';

export type ScheduleState = SimulationSnapshot['schedule'];

/** The kinds of step, in the order they run on equal due times (a market step's decisions run right after it). */
export const STEP_KINDS = ['decisions', 'market', 'micro', 'reports', 'round'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Schedule of a simulation that has not run: the first market step and agent report at `startTime`. */
export function freshSchedule(startTime: number, arenaRoundMs: number): ScheduleState {
  return {
    nextMarketAt: startTime,
    nextAgentAt: startTime,
    nextArenaAt: startTime + arenaRoundMs,
    pendingDecisions: null,
    hourAt: null,
    microIndex: 0,
  };
}

export class Schedule {
  nextMarketAt: number;
  nextAgentAt: number;
  nextArenaAt: number;
  /** A market step whose agent decisions have not run yet (they run as the very next step). */
  pendingDecisions: number | null;
  /** Time of the current market step (hour) and the next of its flow micro-steps (1..subSteps-1). */
  hourAt: number | null;
  microIndex: number;

  constructor(
    st: ScheduleState,
    private readonly marketIntervalMs: number,
    private readonly subSteps: number,
  ) {
    this.nextMarketAt = st.nextMarketAt;
    this.nextAgentAt = st.nextAgentAt;
    this.nextArenaAt = st.nextArenaAt;
    this.pendingDecisions = st.pendingDecisions;
    this.hourAt = st.hourAt;
    this.microIndex = st.microIndex;
  }

  state(): ScheduleState {
    return {
      nextMarketAt: this.nextMarketAt,
      nextAgentAt: this.nextAgentAt,
      nextArenaAt: this.nextArenaAt,
      pendingDecisions: this.pendingDecisions,
      hourAt: this.hourAt,
      microIndex: this.microIndex,
    };
  }

  /**
   * When the next step is due: a market step, one of the flow micro-steps spread evenly inside the market interval
   * (sub-step k of K at hourAt + k * interval / K), an agent report or a round's end. `skipMicro`: the next that is
   * not a micro-step (they all fall before the next market step, which runs them first when it is due).
   */
  nextDueAt(skipMicro = false): number {
    if (this.pendingDecisions !== null) return this.pendingDecisions;
    const micro = skipMicro ? Number.POSITIVE_INFINITY : this.nextMicroAt();
    return Math.min(this.nextMarketAt, micro, this.nextAgentAt, this.nextArenaAt);
  }

  /** Which step runs next: a market step's pending decisions, else on equal due times market, micro, reports, round. */
  nextKind(): StepKind {
    if (this.pendingDecisions !== null) return 'decisions';
    const t = this.nextDueAt();
    if (this.nextMarketAt === t) return 'market';
    if (this.nextMicroAt() === t) return 'micro';
    return this.nextAgentAt === t ? 'reports' : 'round';
  }

  nextMicroAt(): number {
    if (this.hourAt === null || this.microIndex >= this.subSteps) return Infinity;
    return this.hourAt + (this.microIndex * this.marketIntervalMs) / this.subSteps;
  }

  /** A market step ran at `t`: its agent decisions are next, then its flow micro-steps from the first. */
  marketStepped(t: number): void {
    this.pendingDecisions = t;
    this.hourAt = t;
    this.microIndex = 1;
  }

  /** Shift the whole schedule forward so the earliest step is due at `now`, skipping missed steps. */
  rebase(now: number): void {
    const shift = now - this.nextDueAt();
    if (shift > 0) this.shift(shift);
  }

  /**
   * Move every future step by `deltaMs`, either way (the wall clock was stepped): the same steps in the same order, only
   * their times move.
   */
  shift(deltaMs: number): void {
    if (!Number.isFinite(deltaMs) || deltaMs === 0) return;
    this.nextMarketAt += deltaMs;
    this.nextAgentAt += deltaMs;
    this.nextArenaAt += deltaMs;
    if (this.hourAt !== null) this.hourAt += deltaMs;
    if (this.pendingDecisions !== null) this.pendingDecisions += deltaMs;
  }
}
