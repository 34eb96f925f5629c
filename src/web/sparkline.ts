// Sparkline geometry (pure): SVG path data for a price series scaled into a fixed viewBox.

export interface SparklinePaths {
  /** The price line. */
  line: string;
  /** The same line closed down to the bottom edge, for the fill under it. */
  area: string;
  /** Where the latest point sits, for its marker. */
  end: { x: number; y: number } | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Scale `values` (oldest first) into `width × height`, leaving `pad` above and below so the line never touches an
 * edge. A flat or single-point series is drawn as a level line through the middle.
 */
export function sparklinePaths(values: readonly number[], width: number, height: number, pad = 2): SparklinePaths {
  if (values.length === 0) return { line: '', area: '', end: null };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  const usable = Math.max(0, height - 2 * pad);
  const y = (v: number) => round(span === 0 ? height / 2 : pad + usable - ((v - min) / span) * usable);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points =
    values.length > 1
      ? values.map((v, i) => [round(i * step), y(v)] as const)
      : [[0, y(values[0] as number)] as const, [width, y(values[0] as number)] as const];
  const line = points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px} ${py}`).join(' ');
  const first = points[0] as readonly [number, number];
  const last = points[points.length - 1] as readonly [number, number];
  const area = `${line} L${last[0]} ${height} L${first[0]} ${height} Z`;
  return { line, area, end: { x: last[0], y: last[1] } };
}
