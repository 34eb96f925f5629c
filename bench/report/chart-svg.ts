// The SVG chart: p99 event age and server CPU per delivery against held connections (scale steps), one line per server.
import type { BenchResult } from '../harness/run-bench.ts';
import { TARGET_LABELS, type TargetName } from '../harness/targets.ts';

const COLORS: Partial<Record<TargetName, string>> = {
  lineage: '#2563eb',
  'lineage-durable': '#0891b2',
  'lineage-sim': '#7c3aed',
  bun: '#16a34a',
  node: '#dc2626',
};
const color = (t: TargetName): string => COLORS[t] ?? '#6b7280';
const W = 440;
const H = 300;
const M = { left: 56, right: 30, top: 36, bottom: 44 };

interface Series {
  name: TargetName;
  points: Array<[number, number]>;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** 1, 2, 5 × 10^k steps covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.5 && ticks.length < 50; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** 1, 2, 5 × 10^k ticks spanning [min, max] for a log axis (the first below min, the last above max). */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) return [1, 10];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)) && ticks.length < 40; e++) {
    for (const f of [1, 2, 5]) ticks.push(Number((f * 10 ** e).toPrecision(12)));
  }
  const lo = ticks.filter((t) => t <= min).pop() ?? ticks[0] ?? 1;
  const hi = ticks.find((t) => t >= max) ?? ticks[ticks.length - 1] ?? 10;
  return ticks.filter((t) => t >= lo && t <= hi);
}

function tickLabel(v: number): string {
  return v >= 1000 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(3)));
}

function panel(x0: number, title: string, unit: string, series: Series[], xs: number[]): string {
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => Number.isFinite(v) && v > 0);
  const yTicks = logTicks(Math.min(...ys, 1), Math.max(...ys, 1));
  const yLo = Math.log10(yTicks[0] ?? 1);
  const yHi = Math.log10(yTicks[yTicks.length - 1] ?? 10);
  const lx = (v: number) => Math.log10(v);
  const xMin = lx(Math.min(...xs));
  const xMax = lx(Math.max(...xs));
  const px = (v: number) => x0 + M.left + ((lx(v) - xMin) / Math.max(1e-9, xMax - xMin)) * (W - M.left - M.right);
  const py = (v: number) => M.top + (1 - (Math.log10(v) - yLo) / Math.max(1e-9, yHi - yLo)) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(`<text x="${x0 + W / 2}" y="20" text-anchor="middle" font-weight="600">${escapeXml(title)}</text>`);
  for (const t of yTicks) {
    out.push(`<line x1="${x0 + M.left}" x2="${x0 + W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x0 + M.left - 6}" y="${py(t) + 4}" text-anchor="end" fill="#4b5563">${tickLabel(t)}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#f3f4f6"/>`);
    out.push(
      `<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle" fill="#4b5563">${x.toLocaleString('en-US')}</text>`,
    );
  }
  out.push(
    `<text x="${x0 + M.left + (W - M.left - M.right) / 2}" y="${H - 8}" text-anchor="middle" fill="#374151">held connections (log scale)</text>`,
  );
  out.push(`<text x="${x0 + W - M.right}" y="${M.top - 6}" text-anchor="end" fill="#6b7280">log scale</text>`);
  out.push(
    `<text x="${x0 + 14}" y="${M.top + (H - M.top - M.bottom) / 2}" text-anchor="middle" fill="#374151" transform="rotate(-90 ${x0 + 14} ${M.top + (H - M.top - M.bottom) / 2})">${escapeXml(unit)}</text>`,
  );
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p[1]) && p[1] > 0);
    if (pts.length === 0) continue;
    out.push(
      `<polyline fill="none" stroke="${color(s.name)}" stroke-width="2" points="${pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of pts)
      out.push(`<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3" fill="${color(s.name)}"/>`);
  }
  return out.join('\n');
}

export function renderChart(result: BenchResult): string {
  const scale = result.rows.filter((r) => r.scenario === 'scale' && r.stages.length > 0);
  const xs = [...new Set(scale.flatMap((r) => r.stages.map((s) => s.connections)))].sort((a, b) => a - b);
  const latency: Series[] = scale.map((r) => ({
    name: r.target,
    points: r.stages.map((s) => [s.connections, s.age.p99] as [number, number]),
  }));
  const cpu: Series[] = scale.map((r) => ({
    name: r.target,
    points: r.stages.map((s) => [s.connections, s.cpuPerMillion] as [number, number]),
  }));
  const legend = scale
    .map(
      (r, i) =>
        `<rect x="${M.left + i * 190}" y="${H + 8}" width="14" height="4" fill="${color(r.target)}"/><text x="${M.left + i * 190 + 20}" y="${H + 14}">${escapeXml(TARGET_LABELS[r.target])}</text>`,
    )
    .join('\n');
  const body =
    xs.length === 0
      ? `<text x="20" y="40">no scale steps in this run</text>`
      : `${panel(0, 'p99 event age on arrival', 'ms', latency, xs)}\n${panel(W, 'server CPU per delivery', 'µs', cpu, xs)}\n${legend}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 30}" viewBox="0 0 ${2 * W} ${H + 30}" font-family="system-ui, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
${body}
</svg>
`;
}
