// The result to compare a run with: the profile's file as last committed (`git show HEAD:bench/results/<profile>.json`),
// or a file named on the command line.
import { readFileSync } from 'node:fs';
import { ROOT } from '../harness/paths.ts';
import { type Previous, readPrevious } from './compare.ts';

/** @param choice a file path, `none`, or undefined for the committed file of `profile` */
export function loadBaseline(profile: string, choice: string | undefined): { previous: Previous | null; note: string } {
  if (choice === 'none') return { previous: null, note: 'comparison off (--baseline none)' };
  try {
    if (choice !== undefined) {
      const previous = readPrevious(JSON.parse(readFileSync(choice, 'utf8')), choice);
      return { previous, note: previous === null ? `${choice} is not a bench result` : `comparing with ${choice}` };
    }
    const source = `HEAD:bench/results/${profile}.json`;
    const git = Bun.spawnSync(['git', 'show', source], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' });
    if (git.exitCode !== 0)
      return { previous: null, note: `no committed bench/results/${profile}.json to compare with` };
    const previous = readPrevious(JSON.parse(git.stdout.toString()), source);
    return { previous, note: previous === null ? `${source} is not a bench result` : `comparing with ${source}` };
  } catch (error) {
    return { previous: null, note: `cannot read the previous result: ${String(error)}` };
  }
}
