// Runs the chosen scenarios against the chosen servers, one after another, and collects the rows.
import { cpus, loadavg } from 'node:os';
import { clockTicks } from '../stats/proc-stats.ts';
import { buildNodeBundle, type NodeBundle } from './node-bundle.ts';
import { PROFILES, type Profile } from './profiles.ts';
import type { Row, ScenarioName } from './result.ts';
import { runChurn } from './scenarios/churn.ts';
import { runFanout } from './scenarios/fanout.ts';
import { runScale } from './scenarios/scale.ts';
import { runStorm } from './scenarios/storm.ts';
import type { RunContext } from './session.ts';
import { type TargetName, target } from './targets.ts';

/** Which servers each scenario runs against (the heavy-simulation variant only matters for fan-out). */
export const SCENARIO_TARGETS: Record<ScenarioName, TargetName[]> = {
  scale: ['lineage', 'bun', 'node'],
  fanout: ['lineage', 'lineage-durable', 'lineage-sim', 'bun', 'node'],
  churn: ['lineage', 'bun', 'node'],
  storm: ['lineage', 'bun', 'node'],
};

export interface BenchOptions {
  /** A named profile, or a custom one (tests, experiments). */
  profile: Profile['name'] | Profile;
  scenarios: readonly ScenarioName[];
  /** Restrict the servers (default: every server each scenario lists). */
  targets?: readonly TargetName[];
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
  profile: Profile;
  startedAt: string;
  seconds: number;
  machine: Machine;
  rows: Row[];
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const profile = typeof options.profile === 'string' ? PROFILES[options.profile] : options.profile;
  const clkTck = clockTicks();
  const machine = describeMachine(clkTck);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  let bundle: NodeBundle | null = null;
  const rows: Row[] = [];
  try {
    const wantsNode =
      options.scenarios.some((s) => SCENARIO_TARGETS[s].includes('node')) &&
      (options.targets?.includes('node') ?? true);
    if (wantsNode) bundle = await buildNodeBundle();
    const nodePath = bundle?.path;
    const ctx: RunContext = {
      clkTck,
      log,
      nodeBundle: () => {
        if (nodePath === undefined) throw new Error('the Node + ws peer was not built');
        return nodePath;
      },
    };
    for (const scenario of options.scenarios) {
      for (const name of SCENARIO_TARGETS[scenario]) {
        if (options.targets !== undefined && !options.targets.includes(name)) continue;
        log(`▶ ${scenario} · ${name}`);
        const t = target(name, ctx.nodeBundle);
        const r = await runScenario(ctx, scenario, t, profile);
        log(`  ${describeRow(r)}`);
        rows.push(r);
      }
    }
  } finally {
    bundle?.remove();
  }
  return { profile, startedAt, seconds: (performance.now() - started) / 1000, machine, rows };
}

function runScenario(
  ctx: RunContext,
  scenario: ScenarioName,
  t: ReturnType<typeof target>,
  profile: Profile,
): Promise<Row> {
  switch (scenario) {
    case 'scale':
      return runScale(ctx, t, profile.scale, profile.stallMs);
    case 'fanout':
      return runFanout(ctx, t, profile.fanout, profile.stallMs);
    case 'churn':
      return runChurn(ctx, t, profile.churn, profile.stallMs);
    case 'storm':
      return runStorm(ctx, t, profile.storm, profile.stallMs);
  }
}

function describeRow(r: Row): string {
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
