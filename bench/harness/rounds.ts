// The order runs happen in: per scenario, round after round, every target once per round (A B C A B C …), so that a
// slow drift of the machine touches every target alike and each round's ratios compare neighbours in time.
import type { ScenarioName } from './result.ts';
import type { TargetName } from './targets.ts';

export interface PlannedRound {
  scenario: ScenarioName;
  /** 1-based. */
  round: number;
  targets: TargetName[];
}

/** Rounds of every scenario, in run order; scenarios without a target left are skipped. */
export function planRounds(
  scenarios: readonly ScenarioName[],
  targetsOf: (scenario: ScenarioName) => readonly TargetName[],
  rounds: number,
): PlannedRound[] {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive integer, got ${rounds}`);
  const plan: PlannedRound[] = [];
  for (const scenario of scenarios) {
    const targets = [...targetsOf(scenario)];
    if (targets.length === 0) continue;
    for (let round = 1; round <= rounds; round++) plan.push({ scenario, round, targets });
  }
  return plan;
}

/** The runs of a plan one by one, in order. */
export function runOrder(
  plan: readonly PlannedRound[],
): Array<{ scenario: ScenarioName; round: number; target: TargetName }> {
  return plan.flatMap((p) => p.targets.map((target) => ({ scenario: p.scenario, round: p.round, target })));
}
