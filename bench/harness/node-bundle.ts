// Builds the Node + ws reference server (TypeScript) into one ESM file for node, in a temporary directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH } from './paths.ts';

export interface NodeBundle {
  path: string;
  remove(): void;
}

export async function buildNodeBundle(): Promise<NodeBundle> {
  const result = await Bun.build({
    entrypoints: [`${BENCH}peers/node-ws.ts`],
    target: 'node',
    format: 'esm',
    // ws's optional native add-ons: absent here, as in most deployments (ws falls back to JS).
    external: ['bufferutil', 'utf-8-validate'],
  });
  const output = result.outputs[0];
  if (!result.success || output === undefined)
    throw new Error(`cannot build the Node + ws peer: ${result.logs.map(String).join('\n')}`);
  const dir = mkdtempSync(join(tmpdir(), 'lineage-bench-'));
  const path = join(dir, 'node-ws.mjs');
  writeFileSync(path, await output.text());
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
