// grafana/dashboards/lineage.json type-checked against Grafana's own schema (@grafana/schema) by `tsc --noEmit -p .`,
// which `bun run test` runs: a panel with a field of the wrong type, a missing required field or a key the schema does
// not know fails the type check. A JSON import widens every string to `string` and every number to `number`, so the
// schema's enums and literal unions are loosened to those for the type check and checked here at run time instead.
import { describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type Dashboard,
  DashboardCursorSync,
  type DataQuery,
  type Panel,
  ThresholdsMode,
  type VariableModel,
  VariableRefresh,
  VariableSort,
  type VariableType,
} from '@grafana/schema';
import dashboard from '../../grafana/dashboards/lineage.json' with { type: 'json' };

/**
 * A Prometheus query. The schema types only the part every data source shares (`DataQuery`: refId, datasource, hide,
 * queryType); the Prometheus part lives in Grafana's Prometheus plugin, not in @grafana/schema.
 */
interface PrometheusQuery extends DataQuery {
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
  interval?: string;
}

/**
 * Our dashboard: the schema's, with no row panels (so no Panel | RowPanel union) and Prometheus queries. One key the
 * schema lacks is allowed: a query variable's `definition`, the query editor's summary that Grafana itself writes.
 */
type LineageDashboard = Omit<Dashboard, 'panels' | 'templating'> & {
  panels: Array<Omit<Panel, 'targets'> & { targets: PrometheusQuery[] }>;
  templating: { list: Array<VariableModel & { definition?: string }> };
};

/** A schema type as a JSON import sees its values: enums and literal unions widened to string, number, boolean. */
type Loose<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? Loose<U>[]
        : T extends object
          ? { [K in keyof T]: Loose<T[K]> }
          : T;

type Obj<S> = NonNullable<Extract<S, object>>;
/**
 * The paths of the keys in A that schema S does not declare, at any depth; never when there are none. (TypeScript
 * reports excess keys only on object literals, never on an imported JSON.) Open records (`options`) accept any key.
 */
type ExtraKeys<A, S, P extends string = ''> = A extends readonly (infer E)[]
  ? ExtraKeys<E, S extends readonly (infer F)[] ? F : never, `${P}[]`>
  : A extends object
    ? string extends keyof Obj<S>
      ? never
      : {
          [K in keyof A & string]-?: K extends keyof Obj<S> ? ExtraKeys<A[K], Obj<S>[K], `${P}.${K}`> : `${P}.${K}`;
        }[keyof A & string]
    : never;

/** The check itself: a type error here names the field that does not fit the schema. */
export const typed: Loose<LineageDashboard> = dashboard;
/** A type error here names the first key the schema does not have (e.g. `.panels[].gridpos`). */
export const noUnknownKeys: [ExtraKeys<typeof dashboard, LineageDashboard>] extends [never]
  ? true
  : ExtraKeys<typeof dashboard, LineageDashboard> = true;

/** Every variable type the schema allows; the type below fails if the schema gains one this list lacks. */
const VARIABLE_TYPES = [
  'query',
  'adhoc',
  'groupby',
  'constant',
  'datasource',
  'interval',
  'textbox',
  'custom',
  'system',
  'snapshot',
  'switch',
] as const satisfies readonly VariableType[];
export const allVariableTypes: Exclude<VariableType, (typeof VARIABLE_TYPES)[number]> extends never ? true : never =
  true;

/** The panel plugins whose options the schema describes (one folder per plugin in the package). */
function schemaPanelPlugins(): string[] {
  const composable = join(
    dirname(require.resolve('@grafana/schema/package.json')),
    'dist',
    'types',
    'raw',
    'composable',
  );
  return readdirSync(composable).filter((name) => readdirSync(join(composable, name)).includes('panelcfg'));
}

describe('the dashboard against @grafana/schema', () => {
  test('the loosened enums and literal unions hold one of the schema’s values', () => {
    expect(Object.values(DashboardCursorSync)).toContain(typed.graphTooltip as DashboardCursorSync);
    for (const v of typed.templating.list) {
      expect(VARIABLE_TYPES).toContain(v.type as VariableType);
      if (v.refresh !== undefined) expect(Object.values(VariableRefresh)).toContain(v.refresh as VariableRefresh);
      if (v.sort !== undefined) expect(Object.values(VariableSort)).toContain(v.sort as VariableSort);
    }
    for (const p of typed.panels) {
      const mode = p.fieldConfig?.defaults.thresholds?.mode;
      if (mode !== undefined) expect(Object.values(ThresholdsMode)).toContain(mode as ThresholdsMode);
      for (const t of p.targets)
        if (t.format !== undefined) expect(['time_series', 'table', 'heatmap']).toContain(t.format);
    }
  });

  test('every panel is a panel plugin the schema knows', () => {
    const plugins = schemaPanelPlugins();
    expect(plugins).toContain('timeseries');
    for (const p of typed.panels)
      expect({ panel: p.title, plugin: plugins.includes(p.type) }).toEqual({
        panel: p.title,
        plugin: true,
      });
  });
});
