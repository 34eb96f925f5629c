// The layout as a specification: which folder of src/ may import which, and no cycle between folders.
import { describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { ROOT } from './helpers/server-process.ts';

const SRC = join(ROOT, 'src');
/** Top-level leaf modules any folder may use: one config schema (types) and the version. */
const LEAVES = new Set(['config.ts', 'version.ts']);

/** Who may import whom (README, "Development"); anything not listed is a violation. */
const ALLOWED: Record<string, string[]> = {
  lib: [],
  protocol: ['lib'],
  sim: [],
  store: ['protocol', 'lib'],
  metrics: ['protocol', 'http', 'lib'],
  engine: ['sim', 'store', 'protocol', 'lib'],
  hub: ['protocol', 'metrics', 'lib'],
  http: ['engine', 'store', 'protocol', 'lib'],
  cluster: ['engine', 'protocol', 'metrics', 'lib'],
  edge: ['hub', 'http', 'protocol', 'metrics', 'lib'],
  client: ['protocol', 'lib'],
  web: ['client', 'protocol', 'lib'],
  cli: ['sim', 'engine', 'protocol', 'lib'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** folder → folders it imports (relative imports only), with one example file per edge. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files(SRC)) {
    const rel = relative(SRC, file);
    if (!rel.includes('/')) continue;
    const from = rel.split('/')[0] as string;
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = normalize(join(dirname(rel), m[1] as string));
      if (target.startsWith('..') || LEAVES.has(target)) continue;
      const to = target.split('/')[0] as string;
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      graph.get(from)?.set(to, rel);
    }
  }
  return graph;
}

describe('architecture', () => {
  const graph = folderGraph();

  test('every import between folders is one the layout allows', () => {
    const violations: string[] = [];
    for (const [from, tos] of graph)
      for (const [to, file] of tos)
        if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${file}: ${from} → ${to}`);
    expect(violations).toEqual([]);
  });

  test('no cycle between folders', () => {
    const seen = new Set<string>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (n: string) => {
      if (stack.includes(n)) return void cycles.push([...stack.slice(stack.indexOf(n)), n].join(' → '));
      if (seen.has(n)) return;
      seen.add(n);
      stack.push(n);
      for (const to of graph.get(n)?.keys() ?? []) visit(to);
      stack.pop();
    };
    for (const n of graph.keys()) visit(n);
    expect(cycles).toEqual([]);
  });

  test('no file under src/ is over 300 lines', () => {
    const long = files(SRC)
      .map((f) => ({ file: relative(SRC, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 300);
    expect(long).toEqual([]);
  });
});
