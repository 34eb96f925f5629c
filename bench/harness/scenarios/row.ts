// Builds a report row from the pieces every scenario measures.
import type { Histogram } from '../../stats/histogram.ts';
import { cpuPerMillion } from '../../stats/proc-stats.ts';
import type { CurvePoint } from '../capacity-curve.ts';
import type { Figures, ScenarioName, Stage } from '../result.ts';
import { summarize } from '../result.ts';
import { type Finished, perMillion, type Window } from '../session.ts';
import type { TargetName } from '../targets.ts';

export const MB = 1024 * 1024;

export function row(
  scenario: ScenarioName,
  target: TargetName,
  window: Window,
  finished: Finished,
  figures: {
    connections: number;
    rssPerConnectionKB: number | null;
    connectsPerS: number | null;
    extra: Record<string, number>;
    stages?: Stage[];
    curve?: CurvePoint[];
  },
): Figures {
  const cpu = perMillion(window);
  return {
    scenario,
    target,
    connections: figures.connections,
    deliveriesPerS: window.deliveries / window.seconds,
    age: summarize(window.ages),
    firstAge: summarize(window.firstAges),
    cpuPerMillion: cpu.server,
    loadCpuPerMillion: cpu.load,
    rssPerConnectionKB: figures.rssPerConnectionKB,
    connectsPerS: figures.connectsPerS,
    lost: finished.loss.lost,
    duplicated: finished.loss.duplicated,
    unexpected: finished.loss.unexpected,
    unassessable: finished.loss.unassessable,
    errors: finished.errors,
    extra: {
      ...figures.extra,
      receiving: window.receiving,
      held: window.held,
      checkedWindows: finished.loss.checked,
      drainSeconds: finished.drainSeconds,
      // Bytes read from the socket per delivery: frames, their headers and everything else on the connection.
      bytesPerDelivery: window.deliveries > 0 ? window.bytes / window.deliveries : Number.NaN,
      // The main thread's share (sockets, publish): the rest is the simulation worker and the runtime's own threads.
      mainThreadCpuPerMillion: cpuPerMillion(window.mainThreadCpuSeconds, window.deliveries),
      // Server CPU seconds per second of the window: how many cores it kept busy.
      serverCores: window.cpuSeconds / window.seconds,
    },
    stages: figures.stages ?? [],
    curve: figures.curve ?? [],
  };
}

export function p(h: Histogram, q: number): number {
  return h.percentile(q);
}
