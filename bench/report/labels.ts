// How the report names each scenario.
import type { ScenarioName } from '../harness/result.ts';

export const SCENARIO_LABELS: Record<ScenarioName, string> = {
  scale: '(a) connection scale',
  fanout: '(b) fan-out',
  churn: '(c) churn',
  storm: '(d) reconnect storm',
  compression: '(e) compression',
  'slow-reader': '(f) slow readers',
  sse: '(g) SSE',
  realistic: '(h) realistic load',
  capacity: '(i) capacity curve',
  box: '(j) one box',
};
