// Per-agent and arena figures for the live population, exported fresh on each scrape so dead agents' series vanish.
// (OpenTelemetry's asynchronous instruments keep every attribute set ever observed; a MetricProducer does not.)
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';

/** What the exporter knows of one agent. */
export interface AgentFigures {
  capital: number;
  trades: number;
  /** In [0, 1]. */
  winRate: number;
  scars: number;
  wins: number;
  /** Capital at the end of the last arena round it took part in. */
  finalCapital?: number;
}

const FAMILIES = [
  {
    name: 'lineage_agent_capital',
    help: 'Current capital per agent (cash + marked positions)',
    sum: false,
    pick: (a: AgentFigures) => a.capital,
  },
  {
    name: 'lineage_agent_trades_total',
    help: 'Trades executed per agent',
    sum: true,
    pick: (a: AgentFigures) => a.trades,
  },
  {
    name: 'lineage_agent_win_rate',
    help: 'Share of closed trades that won, per agent [0-1]',
    sum: false,
    pick: (a: AgentFigures) => a.winRate,
  },
  {
    name: 'lineage_agent_scars_total',
    help: 'Permanent losses (scars) per agent',
    sum: true,
    pick: (a: AgentFigures) => a.scars,
  },
  {
    name: 'lineage_arena_agent_wins_total',
    help: 'Arena rounds won per agent',
    sum: true,
    pick: (a: AgentFigures) => a.wins,
  },
  {
    name: 'lineage_arena_agent_final_capital',
    help: 'Capital of each agent at the end of the last arena round',
    sum: false,
    pick: (a: AgentFigures) => a.finalCapital,
  },
] as const;

/**
 * The live population's figures. The simulation replaces the whole set each second; user code may record its own
 * agents alongside (see `src/metrics/instrument.ts`).
 */
export class AgentBook implements MetricProducer {
  private simulated = new Map<string, AgentFigures>();
  private readonly custom = new Map<string, AgentFigures>();
  private readonly startTime: [number, number] = hrNow();

  /** Replace the simulated population (agents missing from `agents` are gone, with their series). */
  replaceSimulated(agents: ReadonlyMap<string, AgentFigures>): void {
    this.simulated = new Map(agents);
  }

  setCustom(id: string, figures: AgentFigures): void {
    this.custom.set(id, figures);
  }

  removeCustom(id: string): boolean {
    return this.custom.delete(id);
  }

  get size(): number {
    return this.simulated.size + this.custom.size;
  }

  async collect(): Promise<CollectionResult> {
    const endTime = hrNow();
    const metrics: MetricData[] = [];
    for (const family of FAMILIES) {
      const dataPoints = [];
      for (const [agent, figures] of this.entries()) {
        const value = family.pick(figures);
        if (value === undefined || !Number.isFinite(value)) continue;
        dataPoints.push({ startTime: this.startTime, endTime, attributes: { agent }, value });
      }
      const descriptor = { name: family.name, description: family.help, unit: '', valueType: ValueType.DOUBLE };
      metrics.push(
        family.sum
          ? {
              descriptor,
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPointType: DataPointType.SUM,
              isMonotonic: true,
              dataPoints,
            }
          : {
              descriptor,
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPointType: DataPointType.GAUGE,
              dataPoints,
            },
      );
    }
    return {
      resourceMetrics: {
        resource: resourceFromAttributes({}),
        scopeMetrics: [{ scope: { name: 'lineage.population' }, metrics }],
      },
      errors: [],
    };
  }

  private *entries(): Iterable<[string, AgentFigures]> {
    yield* this.simulated;
    for (const entry of this.custom) if (!this.simulated.has(entry[0])) yield entry;
  }
}

function hrNow(): [number, number] {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}
