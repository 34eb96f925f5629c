// Scars: permanent records of severe losses that shrink an agent's risk budget and pause it.

export type ScarKind = 'drawdown' | 'trade_loss';

export interface ScarRecord {
  /** Simulated timestamp (ms) of the market step that caused it. */
  at: number;
  round: number;
  kind: ScarKind;
  /** Positive amount lost: peak - capital for drawdowns, -PnL for a trade. */
  loss: number;
  capital_after: number;
}

export interface ScarPolicy {
  /** Drawdown from peak capital (fraction) beyond which a scar is taken. */
  drawdownThreshold: number;
  /** Single closed-trade loss, as a fraction of capital before the close, beyond which a scar is taken. */
  tradeLossThreshold: number;
  /** Risk budget is multiplied by this per scar, permanently. */
  riskFactor: number;
  /** Market steps an agent stays paused after a scar. */
  cooldownSteps: number;
}

export const DEFAULT_SCAR_POLICY: Readonly<ScarPolicy> = {
  drawdownThreshold: 0.15,
  tradeLossThreshold: 0.05,
  riskFactor: 0.7,
  cooldownSteps: 6,
};

/** The part of an agent a scar changes. */
export interface Scarrable {
  riskBudget: number;
  peak: number;
  status: 'active' | 'paused' | 'eliminated';
  resumeStep: number;
  scars: ScarRecord[];
}

export function isDrawdownScar(capital: number, peak: number, policy: ScarPolicy): boolean {
  return peak > 0 && (peak - capital) / peak > policy.drawdownThreshold;
}

export function isTradeLossScar(pnl: number, capitalBefore: number, policy: ScarPolicy): boolean {
  return pnl < 0 && capitalBefore > 0 && -pnl > policy.tradeLossThreshold * capitalBefore;
}

/**
 * Record a scar: shrink the risk budget, pause until market step `step + cooldownSteps`.
 * A drawdown scar resets the peak to the current capital so one drawdown scars only once.
 * The caller is responsible for flattening the position first (paused agents hold no position).
 */
export function applyScar(
  agent: Scarrable,
  kind: ScarKind,
  loss: number,
  capitalAfter: number,
  at: number,
  round: number,
  step: number,
  policy: ScarPolicy,
): void {
  agent.scars.push({
    at,
    round,
    kind,
    loss: Math.round(loss * 100) / 100,
    capital_after: Math.round(capitalAfter * 100) / 100,
  });
  agent.riskBudget *= policy.riskFactor;
  if (kind === 'drawdown') agent.peak = capitalAfter;
  if (agent.status !== 'eliminated') {
    agent.status = 'paused';
    agent.resumeStep = step + policy.cooldownSteps;
  }
}
