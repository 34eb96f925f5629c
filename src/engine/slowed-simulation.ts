// For tests: a simulation whose every eventful step also spins for a while, as a heavy model would (1,000 agents,
// 50 symbols), so the worker's timing can be checked on a small one. The model and its outcomes are unchanged.
import type { SimEvent, Simulation } from '../sim/index.ts';

export function withSlowSteps(sim: Simulation, ms: number | undefined): Simulation {
  if (ms === undefined || ms <= 0) return sim;
  const slowStep = (now: number, events: SimEvent[]) => {
    const before = events.length;
    const kind = sim.stepOnce(now, events);
    if (events.length > before) {
      const until = performance.now() + ms;
      while (performance.now() < until) {}
    }
    return kind;
  };
  return new Proxy(sim, {
    get(target, key) {
      if (key === 'stepOnce') return slowStep;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
