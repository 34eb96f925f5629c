// The worker's replay input: reads and parses the --replay price CSV, with errors that name the file and the line.

import { describeError } from '../lib/describe-error.ts';
import { type PriceRow, parsePriceCsv } from '../sim/index.ts';

/** The CSV to replay; errors name the file and, for bad content, the line. */
export async function readReplayCsv(path: string): Promise<PriceRow[]> {
  let text: string;
  try {
    text = await Bun.file(path).text();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new Error(
      `--replay ${path}: cannot read the file${code === 'ENOENT' ? ' (no such file)' : code ? ` (${code})` : ''}`,
    );
  }
  try {
    return parsePriceCsv(text);
  } catch (error) {
    throw new Error(`--replay ${path}: ${describeError(error)}`);
  }
}
