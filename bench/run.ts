// `bun run bench`: the load scenarios against Lineage and the reference servers in interleaved rounds; writes JSON,
// markdown and SVG, and compares each figure with the last committed result of the same profile.
import { mkdirSync, writeFileSync } from 'node:fs';
import { endChildrenOnSignal } from './harness/children.ts';
import { RESULTS } from './harness/paths.ts';
import { PROFILES, type Profile, SCENARIO_PARAMS } from './harness/profiles.ts';
import { SCENARIOS, type ScenarioName } from './harness/result.ts';
import { runBench } from './harness/run-bench.ts';
import { TARGET_NAMES, type TargetName } from './harness/targets.ts';
import { loadBaseline } from './report/baseline.ts';
import { renderChart } from './report/chart-svg.ts';
import { compare } from './report/compare.ts';
import { short } from './report/format.ts';
import { renderMarkdown } from './report/markdown.ts';
import { ratioResults } from './report/ratios.ts';

const USAGE = `usage: bun run bench [--profile full|dev|smoke] [--rounds N] [--scenarios ${SCENARIOS.join(',')}]
                     [--targets ${TARGET_NAMES.join(',')}] [--out DIR] [--baseline FILE|none]

  --profile    full (default: 10,000 connections and the box's 60,000, the BENCHMARKS.md run, 3 rounds, ~50 min),
               dev (≤ 2,000, the box 4,000, 2 short rounds), smoke (tiny, 1 round)
  --rounds     rounds per scenario (default: the profile's); each round runs every server of a scenario once
  --scenarios  which scenarios (default: all)
  --targets    which servers (default: each scenario's full set)
  --out        where to write <profile>.json, <profile>.md and <profile>.svg (default: bench/results/)
  --baseline   the result to compare with (default: the committed bench/results/<profile>.json at HEAD)`;

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? undefined : argv[i + 1];
}

function fail(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const profile = (option(argv, 'profile') ?? 'full') as Profile['name'];
if (!(profile in PROFILES)) fail(`unknown profile "${profile}"`);
const scenarios = (option(argv, 'scenarios')?.split(',') ?? [...SCENARIOS]) as ScenarioName[];
if (scenarios.some((s) => !SCENARIOS.includes(s))) fail(`unknown scenario in "${scenarios.join(',')}"`);
const targets = option(argv, 'targets')?.split(',') as TargetName[] | undefined;
if (targets?.some((t) => !TARGET_NAMES.includes(t))) fail(`unknown target in "${targets.join(',')}"`);
const roundsText = option(argv, 'rounds');
const rounds = roundsText === undefined ? undefined : Number(roundsText);
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1)) fail(`--rounds must be a positive integer`);
const out = option(argv, 'out') ?? RESULTS;
const baseline = loadBaseline(profile, option(argv, 'baseline'));
console.error(`bench: ${baseline.note}`);

endChildrenOnSignal();
const result = await runBench({
  profile,
  scenarios,
  ...(targets ? { targets } : {}),
  ...(rounds !== undefined ? { rounds } : {}),
});
const comparison = baseline.previous === null ? null : compare(result, baseline.previous, SCENARIO_PARAMS);
mkdirSync(out, { recursive: true });
const base = `${out.replace(/\/$/, '')}/${profile}`;
const markdown = renderMarkdown(result, comparison);
writeFileSync(
  `${base}.json`,
  `${JSON.stringify({ ...result, ratios: ratioResults(result.runs), comparison }, null, 2)}\n`,
);
writeFileSync(`${base}.md`, markdown);
writeFileSync(`${base}.svg`, renderChart(result));
console.log(markdown);
for (const l of result.loads)
  for (const w of l.warnings) console.error(`bench: ⚠ ${l.scenario} round ${l.round}: ${w}`);
for (const c of comparison?.changes.filter((x) => x.worse) ?? [])
  console.error(
    `bench: ⚠ worse than ${comparison?.source}: ${c.scenario}/${c.target} ${c.label} ${short(c.before)} → ${short(c.now)} (${short(c.ratio)}×)`,
  );
console.error(`bench: wrote ${base}.json, ${base}.md and ${base}.svg in ${result.seconds.toFixed(0)} s`);
const lost = result.rows.reduce((a, r) => a + r.lost + r.duplicated + r.unexpected, 0);
process.exit(lost === 0 ? 0 : 1);
