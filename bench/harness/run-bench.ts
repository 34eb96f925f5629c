// Runs the chosen scenarios against the chosen servers in interleaved rounds (per scenario: A B C, A B C, …), records
// how busy the machine was around each round, and summarizes every figure over the rounds.
import { cpus, loadavg } from 'node:os';
import { clockTicks } from '../stats/proc-stats.ts';
import { type RoundLoad, watchRound } from './machine-load.ts';
import { buildNodeBundle, type NodeBundle } from './node-bundle.ts';
import { PROFILES, type Profile } from './profiles.ts';
import type { Figures, Row, ScenarioName, Summary } from './result.ts';
import { planRounds } from './rounds.ts';
import { runBoxScenario } from './scenarios/box.ts';
import { runCapacity } from './scenarios/capacity.ts';
import { runChurn } from './scenarios/churn.ts';
import { runFanout } from './scenarios/fanout.ts';
import { runRealistic } from './scenarios/realistic.ts';
import { runScale } from './scenarios/scale.ts';
import { runSlowReader } from './scenarios/slow-reader.ts';
import { runStorm } from './scenarios/storm.ts';
import type { RunContext } from './session.ts';
import { summarizeRounds } from './summary.ts';
import { type TargetName, target } from './targets.ts';

/** Which servers each scenario runs against, in the order of each round (the references are the last ones). */
export const SCENARIO_TARGETS: Record<ScenarioName, TargetName[]> = {
  scale: ['lineage', 'bun', 'node'],
  fanout: ['lineage', 'lineage-durable', 'lineage-sim', 'bun', 'node'],
  churn: ['lineage', 'lineage-gc', 'bun', 'node'],
  storm: ['lineage', 'bun', 'node'],
  compression: ['lineage-compression-off', 'lineage-compression-shared', 'lineage-compression-dedicated'],
  'slow-reader': ['lineage-busy', 'lineage-slow', 'lineage-slow-conflated'],
  sse: ['lineage', 'lineage-sse'],
  realistic: ['lineage-realistic-small', 'lineage-realistic'],
  capacity: ['lineage', 'bun', 'node'],
  // The box, then one `--role all` node at a gateway's share of its connections.
  box: ['lineage-box', 'lineage'],
};

export interface BenchOptions {
  /** A named profile, or a custom one (tests, experiments). */
  profile: Profile['name'] | Profile;
  scenarios: readonly ScenarioName[];
  /** Restrict the servers (default: every server each scenario lists). */
  targets?: readonly TargetName[];
  /** Rounds per scenario (default: the profile's). */
  rounds?: number;
  log?: (line: string) => void;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  loadAverage: [number, number, number];
  bun: string;
  node: string;
  fdLimit: string;
  clkTck: number;
}

export interface BenchResult {
  /** 2: interleaved rounds (`runs`, summarized in `rows`); a file without it is one run per row. */
  format: 2;
  profile: Profile;
  rounds: number;
  startedAt: string;
  seconds: number;
  machine: Machine;
  /** Each round's load average before it, the CPU other processes used during it, and any warning. */
  loads: RoundLoad[];
  /** Every run, in the order they ran. */
  runs: Row[];
  /** Per scenario and server: each figure's median over the rounds, with its range in `spread`. */
  rows: Summary[];
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const profile = typeof options.profile === 'string' ? PROFILES[options.profile] : options.profile;
  const rounds = options.rounds ?? profile.rounds;
  const clkTck = clockTicks();
  const machine = describeMachine(clkTck);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const targetsOf = (s: ScenarioName) =>
    SCENARIO_TARGETS[s].filter((name) => options.targets === undefined || options.targets.includes(name));
  const plan = planRounds(options.scenarios, targetsOf, rounds);
  let bundle: NodeBundle | null = null;
  const runs: Row[] = [];
  const loads: RoundLoad[] = [];
  try {
    if (plan.some((p) => p.targets.includes('node'))) bundle = await buildNodeBundle();
    const nodePath = bundle?.path;
    const ctx: RunContext = {
      clkTck,
      log,
      nodeBundle: () => {
        if (nodePath === undefined) throw new Error('the Node + ws peer was not built');
        return nodePath;
      },
    };
    for (const [i, p] of plan.entries()) {
      const done = watchRound(p.scenario, p.round, i === 0, machine.cpus, clkTck);
      log(`▶ ${p.scenario} · round ${p.round}/${rounds} · load average ${(loadavg()[0] ?? 0).toFixed(2)}`);
      for (const name of p.targets) {
        log(`  ${p.scenario} · ${name} (round ${p.round})`);
        const r = await runScenario(ctx, p.scenario, target(name, ctx.nodeBundle), profile);
        log(`    ${describeRow(r)}`);
        runs.push({ ...r, round: p.round });
      }
      const load = done();
      loads.push(load);
      for (const w of load.warnings) log(`  ⚠ ${p.scenario} round ${p.round}: ${w}`);
    }
  } finally {
    bundle?.remove();
  }
  return {
    format: 2,
    profile,
    rounds,
    startedAt,
    seconds: (performance.now() - started) / 1000,
    machine,
    loads,
    runs,
    rows: summarizeRounds(runs),
  };
}

function runScenario(
  ctx: RunContext,
  scenario: ScenarioName,
  t: ReturnType<typeof target>,
  profile: Profile,
): Promise<Figures> {
  switch (scenario) {
    case 'scale':
      return runScale(ctx, t, profile.scale, profile.stallMs);
    case 'fanout':
      return runFanout(ctx, t, profile.fanout, profile.stallMs);
    case 'compression':
      return runFanout(ctx, t, profile.compression, profile.stallMs, 'compression');
    case 'sse':
      return runFanout(ctx, t, profile.sse, profile.stallMs, 'sse');
    case 'slow-reader':
      return runSlowReader(ctx, t, profile.slowReader, profile.stallMs);
    case 'churn':
      return runChurn(ctx, t, profile.churn, profile.stallMs);
    case 'storm':
      return runStorm(ctx, t, profile.storm, profile.stallMs);
    case 'realistic':
      return runRealistic(ctx, t, profile.realistic, profile.stallMs);
    case 'capacity':
      return runCapacity(ctx, t, profile.capacity, profile.stallMs);
    case 'box':
      return runBoxScenario(ctx, t, profile.box, profile.stallMs);
  }
}

function describeRow(r: Figures): string {
  const errors = Object.entries(r.errors)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return (
    `${r.connections} conns · ${Math.round(r.deliveriesPerS)} deliveries/s · age p50 ${r.age.p50.toFixed(2)} p99 ${r.age.p99.toFixed(2)} p999 ${r.age.p999.toFixed(2)} ms · ` +
    `${r.cpuPerMillion.toFixed(2)} CPU s/M (load ${r.loadCpuPerMillion.toFixed(2)}) · lost ${r.lost} dup ${r.duplicated}${errors ? ` · ${errors}` : ''}`
  );
}

function describeMachine(clkTck: number): Machine {
  const run = (cmd: string[]) => {
    try {
      return Bun.spawnSync(cmd).stdout.toString().trim();
    } catch {
      return 'unknown';
    }
  };
  const l = loadavg();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage: [l[0] ?? 0, l[1] ?? 0, l[2] ?? 0],
    bun: Bun.version,
    node: run(['/usr/bin/node', '--version']),
    fdLimit: run(['sh', '-c', 'ulimit -n']),
    clkTck,
  };
}
