// `bun run bench`: the four load scenarios against Lineage, bare Bun pub/sub and Node + ws; writes JSON, markdown and SVG.
import { mkdirSync, writeFileSync } from 'node:fs';
import { endChildrenOnSignal } from './harness/children.ts';
import { RESULTS } from './harness/paths.ts';
import { PROFILES, type Profile } from './harness/profiles.ts';
import { SCENARIOS, type ScenarioName } from './harness/result.ts';
import { runBench } from './harness/run-bench.ts';
import type { TargetName } from './harness/targets.ts';
import { renderChart } from './report/chart-svg.ts';
import { renderMarkdown } from './report/markdown.ts';

const USAGE = `usage: bun run bench [--profile full|dev|smoke] [--scenarios scale,fanout,churn,storm] [--targets lineage,lineage-durable,lineage-sim,bun,node] [--out DIR]

  --profile    full (default: 10,000 connections, the BENCHMARKS.md run, ~6 min), dev (≤ 2,000, ~2 min), smoke (tiny)
  --scenarios  which scenarios (default: all four)
  --targets    which servers (default: each scenario's full set)
  --out        where to write <profile>.json, <profile>.md and <profile>.svg (default: bench/results/)`;

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? undefined : argv[i + 1];
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const profile = (option(argv, 'profile') ?? 'full') as Profile['name'];
if (!(profile in PROFILES)) {
  console.error(`bench: unknown profile "${profile}"\n${USAGE}`);
  process.exit(2);
}
const scenarios = (option(argv, 'scenarios')?.split(',') ?? [...SCENARIOS]) as ScenarioName[];
if (scenarios.some((s) => !SCENARIOS.includes(s))) {
  console.error(`bench: unknown scenario in "${scenarios.join(',')}"\n${USAGE}`);
  process.exit(2);
}
const targets = option(argv, 'targets')?.split(',') as TargetName[] | undefined;
const out = option(argv, 'out') ?? RESULTS;

endChildrenOnSignal();
const result = await runBench({ profile, scenarios, ...(targets ? { targets } : {}) });
mkdirSync(out, { recursive: true });
const base = `${out.replace(/\/$/, '')}/${profile}`;
const markdown = renderMarkdown(result);
writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${base}.md`, markdown);
writeFileSync(`${base}.svg`, renderChart(result));
console.log(markdown);
console.error(`bench: wrote ${base}.json, ${base}.md and ${base}.svg in ${result.seconds.toFixed(0)} s`);
const lost = result.rows.reduce((a, r) => a + r.lost + r.duplicated + r.unexpected, 0);
process.exit(lost === 0 ? 0 : 1);
