/**
 * The dashboard configuration: dashboards made of widgets, each widget bound to a data source (a
 * metric, or a query over metrics) and drawn as one kind (number, time series, table, bar).
 * Plain JSON: what `exportConfig()` writes and `importConfig()` reads.
 */

/** The configuration schema version this package writes and the newest it reads. */
export const configVersion = 1;

/** How a widget is drawn. */
export type WidgetKind = 'number' | 'timeseries' | 'table' | 'bar';

/** Every widget kind, in display order. */
export const widgetKinds: readonly WidgetKind[] = Object.freeze([
  'number',
  'timeseries',
  'table',
  'bar',
]);

/** How a widget's values are formatted. */
export type WidgetUnit = 'count' | 'per_second' | 'seconds' | 'bytes' | 'percent';

/** Every unit. */
export const widgetUnits: readonly WidgetUnit[] = Object.freeze([
  'count',
  'per_second',
  'seconds',
  'bytes',
  'percent',
]);

/** Label filter: a series matches when each listed label has exactly this value. */
export type LabelFilter = Readonly<Record<string, string>>;

/**
 * A metric as registered: counters and gauges give their samples' values, histograms their
 * observation counts. One value per matching series (keyed by its labels).
 */
export interface MetricSource {
  readonly type: 'metric';
  readonly metric: string;
  readonly labels?: LabelFilter;
}

/** Per-second rate of a counter over a trailing window (resets are handled). */
export interface RateSource {
  readonly type: 'rate';
  readonly metric: string;
  /** Trailing window in ms. */
  readonly windowMs: number;
  /** Group by this label (one value per label value); summed over all series when absent. */
  readonly by?: string;
  readonly labels?: LabelFilter;
}

/** Sum of a counter or gauge grouped by one label (one value per label value). */
export interface SumBySource {
  readonly type: 'sumBy';
  readonly metric: string;
  readonly by: string;
  readonly labels?: LabelFilter;
}

/** Quantiles of a histogram (series merged), over a trailing window or since start. */
export interface QuantileSource {
  readonly type: 'quantile';
  readonly metric: string;
  /** Each in (0, 1]; one value per quantile, keyed `p50`, `p99`, ... */
  readonly quantiles: readonly number[];
  /** Trailing window in ms; since start when absent. */
  readonly windowMs?: number;
  readonly labels?: LabelFilter;
}

/** The cluster's instances, from `manager.getClusterStats()` (table widgets only). */
export interface InstancesSource {
  readonly type: 'instances';
}

/** This instance's connections, oldest first (table widgets only). */
export interface ConnectionsSource {
  readonly type: 'connections';
  /** At most this many rows (1-1000). */
  readonly limit: number;
}

/** Several sources side by side, each value keyed by its label (`in`, `out`). */
export interface MultiSource {
  readonly type: 'multi';
  readonly series: readonly { readonly label: string; readonly source: ValueSource }[];
}

/** A source that yields keyed numeric values (everything but the tables of instances/connections). */
export type ValueSource = MetricSource | RateSource | SumBySource | QuantileSource;

/** Where a widget's data comes from. */
export type DataSource = ValueSource | MultiSource | InstancesSource | ConnectionsSource;

/** One widget of a dashboard. */
export interface WidgetDefinition {
  /** Unique across the whole configuration: 1-64 characters of `A-Za-z0-9 _ . -`. */
  readonly id: string;
  /** Shown above the widget (1-200 characters). */
  readonly title: string;
  readonly kind: WidgetKind;
  readonly source: DataSource;
  /** How values are formatted; `count` when absent. */
  readonly unit?: WidgetUnit;
  /** Time series only: how far back the chart reaches, in ms; the whole kept history when absent. */
  readonly rangeMs?: number;
}

/** One dashboard: a titled list of widgets. */
export interface DashboardDefinition {
  /** 1-64 characters of `A-Za-z0-9 _ . -`. */
  readonly id: string;
  readonly title: string;
  readonly widgets: readonly WidgetDefinition[];
}

/** The whole configuration. */
export interface DashboardConfig {
  /** Schema version ({@link configVersion}); a newer one is refused. */
  readonly version: number;
  /** The dashboard the page opens on; the first one when absent. */
  readonly defaultDashboard?: string;
  readonly dashboards: readonly DashboardDefinition[];
}

/**
 * A change to the configuration. `dashboards` is keyed by dashboard id: an object adds the
 * dashboard (appended) or replaces it (in place); `null` removes it.
 */
export interface DashboardConfigPatch {
  readonly dashboards?: Readonly<
    Record<string, (Omit<DashboardDefinition, 'id'> & { readonly id?: string }) | null>
  >;
  /** Set the dashboard the page opens on; `null` resets it to the first one. */
  readonly defaultDashboard?: string | null;
}

/** What a config change listener receives. */
export interface ConfigChange {
  /** The revision after the change (starts at 1, +1 per accepted update or import). */
  readonly revision: number;
  readonly previousRevision: number;
  readonly config: DashboardConfig;
  readonly cause: 'update' | 'import';
}

/** One validation problem: where (`dashboards[0].widgets[2].source.metric`) and what. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}
