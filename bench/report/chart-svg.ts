// The SVG chart. Top: p99 event age and server CPU per delivery against held connections (scale steps). Below: the
// capacity curves, p99 against delivered deliveries/s with the limit and each knee marked, and the cores of the
// server's main thread and of each load process (which of them saturates first).
import type { Summary } from '../harness/result.ts';
import type { BenchResult } from '../harness/run-bench.ts';
import { TARGET_LABELS } from '../harness/targets.ts';
import { color, escapeXml, H, logTicks, M, panel, type Series, W } from './chart-panel.ts';
import { num } from './format.ts';

const ROW = H + 30;

function legend(y0: number, items: Array<{ row: Summary; text: string }>, every = 190): string {
  return items
    .map(
      ({ row, text }, i) =>
        `<rect x="${M.left + i * every}" y="${y0 + H + 8}" width="14" height="4" fill="${color(row.target)}"/><text x="${M.left + i * every + 20}" y="${y0 + H + 14}">${escapeXml(text)}</text>`,
    )
    .join('\n');
}

/** The scale panels, or null when the run had no scale steps. */
function scaleRow(rows: readonly Summary[], y0: number): string | null {
  const scale = rows.filter((r) => r.scenario === 'scale' && r.stages.length > 0);
  const xs = [...new Set(scale.flatMap((r) => r.stages.map((s) => s.connections)))].sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const series = (get: (s: Summary['stages'][number]) => number): Series[] =>
    scale.map((r) => ({ name: r.target, points: r.stages.map((s) => [s.connections, get(s)] as [number, number]) }));
  const common = { y0, unit: '', xLabel: 'held connections (log scale)', xTicks: xs };
  return [
    panel({ ...common, x0: 0, title: 'p99 event age on arrival', unit: 'ms', series: series((s) => s.age.p99) }),
    panel({ ...common, x0: W, title: 'server CPU per delivery', unit: 'µs', series: series((s) => s.cpuPerMillion) }),
    legend(
      y0,
      scale.map((row) => ({ row, text: TARGET_LABELS[row.target] })),
    ),
  ].join('\n');
}

/** 50k, 1.2M: the capacity axis's labels. */
function compact(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

/** The capacity panels, or null when the run had no capacity curve. */
function capacityRow(rows: readonly Summary[], y0: number): string | null {
  const cap = rows.filter((r) => r.scenario === 'capacity' && r.curve.length > 0);
  if (cap.length === 0) return null;
  const knee = (r: Summary) => r.extra.kneeDeliveriesPerS ?? Number.NaN;
  const xs = [...cap.flatMap((r) => r.curve.map((p) => p.deliveriesPerS)), ...cap.map(knee)].filter((v) => v > 0);
  const limit = cap[0]?.extra.p99LimitMs ?? 100;
  const common = {
    y0,
    xLabel: 'delivered deliveries/s (log scale)',
    xTicks: logTicks(Math.min(...xs), Math.max(...xs)),
    xTickLabel: compact,
  };
  const latency: Series[] = cap.map((r) => ({
    name: r.target,
    points: r.curve.map((p) => [p.deliveriesPerS, p.age.p99] as [number, number]),
  }));
  const cores: Series[] = cap.flatMap((r) => [
    { name: r.target, points: r.curve.map((p) => [p.deliveriesPerS, p.serverMainCores] as [number, number]) },
    {
      name: r.target,
      dashed: true,
      points: r.curve.map((p) => [p.deliveriesPerS, p.loadCores / p.loaders] as [number, number]),
    },
  ]);
  return [
    panel({
      ...common,
      x0: 0,
      title: 'capacity: p99 event age against delivered rate',
      unit: 'ms',
      series: latency,
      mark: { y: limit, label: `p99 ${num(limit)} ms` },
      pins: cap.map((r) => ({ name: r.target, x: knee(r), y: limit })),
    }),
    panel({
      ...common,
      x0: W,
      title: 'cores: server main thread (solid), each load process (dashed)',
      unit: 'cores',
      series: cores,
      mark: { y: 1, label: 'one core' },
    }),
    legend(
      y0,
      cap.map((row) => ({ row, text: `${TARGET_LABELS[row.target]} · knee ${num(knee(row))}/s` })),
      280,
    ),
  ].join('\n');
}

/** The chart: a row of panels for each of scale and capacity that the run has, one under the other. */
export function renderChart(result: BenchResult): string {
  const scale = scaleRow(result.rows, 0);
  const capacity = capacityRow(result.rows, scale === null ? 0 : ROW);
  const rows = [scale, capacity].filter((r): r is string => r !== null);
  const body =
    rows.length > 0 ? rows.join('\n') : `<text x="20" y="40">no scale steps or capacity curve in this run</text>`;
  const height = Math.max(1, rows.length) * ROW;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${height}" viewBox="0 0 ${2 * W} ${height}" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
${body}
</svg>
`;
}
