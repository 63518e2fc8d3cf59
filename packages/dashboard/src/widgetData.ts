import type { WidgetKind, WidgetUnit } from './config.js';

/** One keyed value of a widget (a bar, a table row); `null` when there is not enough data. */
export interface KeyedValue {
  readonly key: string;
  readonly value: number | null;
}

/** One line of a time series chart: `[time (ms since epoch), value]` pairs, oldest first. */
export interface TimeSeries {
  readonly key: string;
  readonly points: readonly (readonly [number, number | null])[];
}

/** A table cell. */
export type TableCell = string | number | boolean | null;

/** A widget's values, by kind. */
export type WidgetValues =
  | { readonly kind: 'number'; readonly value: number | null }
  | { readonly kind: 'timeseries'; readonly series: readonly TimeSeries[] }
  | { readonly kind: 'bar'; readonly bars: readonly KeyedValue[] }
  | {
      readonly kind: 'table';
      readonly columns: readonly string[];
      readonly rows: readonly (readonly TableCell[])[];
    };

/** What `getWidgetData` returns: the widget's definition summary and its values or why there are none. */
export type WidgetData = {
  readonly id: string;
  readonly title: string;
  readonly kind: WidgetKind;
  readonly unit: WidgetUnit;
} & (
  | { readonly status: 'ok'; readonly data: WidgetValues }
  /** A metric it reads is not registered: the package that registers it is not installed. */
  | { readonly status: 'not_installed'; readonly missing: readonly string[] }
  | { readonly status: 'error'; readonly message: string }
);

/** What `getDashboardData` returns. */
export interface DashboardData {
  readonly id: string;
  readonly title: string;
  /** The configuration revision the data was computed with. */
  readonly revision: number;
  /** When the data was computed (ms since epoch). */
  readonly generatedAt: number;
  /** Every dashboard, for navigation. */
  readonly dashboards: readonly { readonly id: string; readonly title: string }[];
  readonly widgets: readonly WidgetData[];
}
