// The report's sections for what #14 measures: compression, slow readers and SSE, each figure a median over rounds.
import type { Row, Summary } from '../harness/result.ts';
import { TARGET_LABELS } from '../harness/targets.ts';
import { cell, num, ratioRange, short, table } from './format.ts';
import { roundRatio } from './ratios.ts';

function compression(rows: readonly Summary[], runs: readonly Row[]): string | null {
  const mine = rows.filter((r) => r.scenario === 'compression');
  if (mine.length === 0) return null;
  const vsOff = (r: Summary, figure: string) =>
    r.target === 'lineage-compression-off'
      ? '1×'
      : ratioRange(roundRatio(runs, 'compression', r.target, 'lineage-compression-off', figure));
  return `### (e) Compression: bytes on the wire and server CPU per delivery

Every client offers permessage-deflate; bytes are what the load clients read from their sockets (frames and headers),
over the deliveries they counted.

${table(
  [
    'server',
    'bytes/delivery',
    '÷ off',
    'server CPU µs/delivery',
    '÷ off',
    'age p99 ms',
    'load CPU µs/delivery',
    'lost',
  ],
  mine.map((r) => [
    TARGET_LABELS[r.target],
    cell(r, 'extra.bytesPerDelivery'),
    vsOff(r, 'extra.bytesPerDelivery'),
    cell(r, 'cpuPerMillion'),
    vsOff(r, 'cpuPerMillion'),
    cell(r, 'age.p99'),
    cell(r, 'loadCpuPerMillion'),
    num(r.lost + r.unexpected),
  ]),
)}`;
}

function slowReaders(rows: readonly Summary[], runs: readonly Row[]): string | null {
  const mine = rows.filter((r) => r.scenario === 'slow-reader');
  if (mine.length === 0) return null;
  const vsBusy = (r: Summary, figure: string) =>
    r.target === 'lineage-busy' ? '1×' : ratioRange(roundRatio(runs, 'slow-reader', r.target, 'lineage-busy', figure));
  const slow = mine.filter((r) => r.target !== 'lineage-busy');
  const sample = slow[0] ?? mine[0];
  return `### (f) Slow readers, loss-free and conflated

The books' streams on (trades, book deltas, candles) beside the tickers. ${num(sample?.extra.fastClients)} fast
readers in every variant; the slow ones read ${short((sample?.extra.slowReadBytesPerS ?? Number.NaN) / 1024)} KB/s
each (a fraction of a fast reader's ${short((sample?.extra.fastBytesPerSPerClient ?? Number.NaN) / 1024)} KB/s). All
hold the state topics (tickers, every book, candles). A loss-free slow reader that falls too far behind is closed with
1013 and resumes with \`since\`; its windows are checked gap-free. A conflated one gets the latest state per key.

${table(
  [
    'variant',
    'server cores',
    '÷ fast only',
    'server CPU µs/delivery',
    'fast readers age p99 ms',
    '÷ fast only',
    'lost (loss-free windows)',
  ],
  mine.map((r) => [
    TARGET_LABELS[r.target],
    cell(r, 'extra.serverCores'),
    vsBusy(r, 'extra.serverCores'),
    cell(r, 'cpuPerMillion'),
    cell(r, 'age.p99'),
    vsBusy(r, 'age.p99'),
    num(r.lost + r.unexpected),
  ]),
)}

${table(
  [
    'slow readers',
    'events/s each',
    'age p50 ms',
    'age p99 ms',
    'KB/s each',
    'conflated frames/s each',
    'events they replaced /s each',
    'closed 1013',
    'other closes',
    'resumed',
    'resume refused',
  ],
  slow.map((r) => [
    TARGET_LABELS[r.target],
    cell(r, 'extra.slowEventsPerSPerClient'),
    cell(r, 'extra.slowAgeP50Ms'),
    cell(r, 'extra.slowAgeP99Ms'),
    cell(r, 'extra.slowBytesPerSPerClient', (n) => short((n ?? Number.NaN) / 1024)),
    cell(r, 'extra.slowConflatedPerSPerClient'),
    cell(r, 'extra.slowReplacedPerSPerClient'),
    cell(r, 'extra.slowClosed1013', num),
    cell(r, 'extra.slowClosedOther', num),
    cell(r, 'extra.slowResumed', num),
    cell(r, 'extra.slowResumeFailed', num),
  ]),
)}

A slow reader's *age* is how old an event is when it reads it: a loss-free reader that cannot keep up reads ever older
events; a conflated one reads the latest state. Counts (closes, resumes) are per round over all slow readers.`;
}

function sse(rows: readonly Summary[], runs: readonly Row[]): string | null {
  const mine = rows.filter((r) => r.scenario === 'sse');
  if (mine.length === 0) return null;
  const vsWs = (r: Summary, figure: string) =>
    r.target === 'lineage' ? '1×' : ratioRange(roundRatio(runs, 'sse', r.target, 'lineage', figure));
  return `### (g) SSE next to WebSocket, the same fan-out

${table(
  ['transport', 'server CPU µs/delivery', '÷ WebSocket', 'bytes/delivery', 'age p99 ms', '÷ WebSocket', 'lost'],
  mine.map((r) => [
    r.target === 'lineage' ? 'WebSocket' : TARGET_LABELS[r.target],
    cell(r, 'cpuPerMillion'),
    vsWs(r, 'cpuPerMillion'),
    cell(r, 'extra.bytesPerDelivery'),
    cell(r, 'age.p99'),
    vsWs(r, 'age.p99'),
    num(r.lost + r.unexpected),
  ]),
)}`;
}

/** The sections of the scenarios this run had, or null when it had none of them. */
export function measuredSections(rows: readonly Summary[], runs: readonly Row[]): string | null {
  const parts = [compression(rows, runs), slowReaders(rows, runs), sse(rows, runs)].filter(
    (p): p is string => p !== null,
  );
  return parts.length === 0 ? null : parts.join('\n\n');
}
