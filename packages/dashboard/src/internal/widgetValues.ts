import type { ClusterStats, Connection } from '@ws/core';
import type { ConnectionsSource, MultiSource, ValueSource, WidgetDefinition } from '../config.js';
import type { KeyedValue, TableCell, TimeSeries, WidgetData, WidgetValues } from '../widgetData.js';
import type { Evaluation } from './evaluate.js';
import { evaluate } from './evaluate.js';
import type { RegistrySample } from './history.js';

/** What a widget may need besides the registry. */
export interface WidgetInputs {
  /** Kept samples, oldest first. */
  readonly history: readonly RegistrySample[];
  /** The kept samples plus the registry as read now (last). */
  readonly withNow: readonly RegistrySample[];
  /** Cluster stats, when a widget of the dashboard needs them. */
  readonly cluster: ClusterStats | undefined;
  readonly connections: () => Iterable<Connection>;
  /**
   * Chart points already computed, per kept sample and source: samples never change, so each
   * push evaluates only the samples taken since the last one. Entries go with their sample.
   */
  readonly cache: WeakMap<RegistrySample, Map<string, Evaluation>>;
}

const maxThreadsShown = 10;
/** Points per chart series at most (older samples are thinned out evenly). */
const maxChartPoints = 300;

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

function instancesTable(cluster: ClusterStats | undefined): WidgetValues {
  const columns = ['instance', 'url', 'state', 'connections', 'users', 'last heartbeat', 'self'];
  const rows: TableCell[][] = (cluster?.instances ?? []).map((i) => [
    i.instanceId,
    i.url ?? '',
    i.state ?? 'running',
    i.connections,
    i.users,
    iso(i.lastHeartbeatAt),
    i.self,
  ]);
  return { kind: 'table', columns, rows };
}

function connectionsTable(source: ConnectionsSource, list: Iterable<Connection>): WidgetValues {
  const all = [...list].sort((a, b) => a.connectedAt - b.connectedAt).slice(0, source.limit);
  const rows: TableCell[][] = all.map((c) => {
    const threads = [...c.threads];
    const shown = threads.slice(0, maxThreadsShown).join(' ');
    return [
      c.userId,
      c.id,
      threads.length > maxThreadsShown ? `${shown} (+${threads.length - maxThreadsShown})` : shown,
      c.protocol,
      iso(c.connectedAt),
    ];
  });
  return {
    kind: 'table',
    columns: ['user', 'connection', 'threads', 'protocol', 'connected'],
    rows,
  };
}

function sum(points: readonly KeyedValue[]): number | null {
  let total: number | null = null;
  for (const p of points)
    if (p.value !== null && Number.isFinite(p.value)) total = (total ?? 0) + p.value;
  return total;
}

/** Finite values only (JSON has no NaN); fractions kept to 6 significant digits. */
function clean(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  return Number.isInteger(v) ? v : Number(v.toPrecision(6));
}

/** One chart source over the kept samples, with its cache key (the source as JSON). */
interface ChartSeries {
  readonly cache: WidgetInputs['cache'];
  readonly key: string;
  readonly source: ValueSource | MultiSource;
  readonly history: readonly RegistrySample[];
}

/** The source evaluated at `history[index]`, computed once per sample. */
function cached(series: ChartSeries, index: number): Evaluation {
  const { cache, key, source, history } = series;
  const sample = history[index] as RegistrySample;
  let perSample = cache.get(sample);
  if (perSample === undefined) cache.set(sample, (perSample = new Map<string, Evaluation>()));
  let e = perSample.get(key);
  if (e === undefined) perSample.set(key, (e = evaluate(source, history, index)));
  return e;
}

function timeseries(
  widget: WidgetDefinition,
  source: ValueSource | MultiSource,
  inputs: WidgetInputs,
): Evaluation | WidgetValues {
  const { history } = inputs;
  const last = history[history.length - 1];
  if (last === undefined) return { kind: 'timeseries', series: [] };
  const from = widget.rangeMs === undefined ? -Infinity : last.at - widget.rangeMs;
  let first = 0;
  while (first < history.length - 1 && (history[first] as RegistrySample).at < from) first++;
  // At most maxChartPoints points per series: every stride-th sample, always the newest.
  const stride = Math.ceil((history.length - first) / maxChartPoints);
  const indices: number[] = [];
  for (let i = history.length - 1; i >= first; i -= stride) indices.push(i);
  indices.reverse();
  const byKey = new Map<string, [number, number | null][]>();
  const chart: ChartSeries = {
    cache: inputs.cache,
    key: JSON.stringify(source),
    source,
    history,
  };
  let lastEval: Evaluation | undefined;
  for (const i of indices) {
    const sample = history[i] as RegistrySample;
    const e = cached(chart, i);
    lastEval = e;
    if (e.status !== 'ok') continue;
    for (const p of e.points) {
      let points = byKey.get(p.key);
      if (points === undefined) byKey.set(p.key, (points = []));
      points.push([sample.at, clean(p.value)]);
    }
  }
  if (lastEval !== undefined && lastEval.status !== 'ok') return lastEval;
  const series: TimeSeries[] = [...byKey].map(([key, points]) => ({ key, points }));
  return { kind: 'timeseries', series };
}

function fromEvaluation(widget: WidgetDefinition, e: Evaluation | WidgetValues): WidgetData {
  const base = {
    id: widget.id,
    title: widget.title,
    kind: widget.kind,
    unit: widget.unit ?? 'count',
  } as const;
  if ('kind' in e) return { ...base, status: 'ok', data: e };
  switch (e.status) {
    case 'not_installed':
      return { ...base, status: 'not_installed', missing: e.missing };
    case 'error':
      return { ...base, status: 'error', message: e.message };
    case 'ok': {
      const points = e.points.map((p) => ({ key: p.key, value: clean(p.value) }));
      switch (widget.kind) {
        case 'number':
          return { ...base, status: 'ok', data: { kind: 'number', value: sum(points) } };
        case 'bar':
          return { ...base, status: 'ok', data: { kind: 'bar', bars: points } };
        case 'table': {
          const source = widget.source;
          const keyColumn =
            (source.type === 'sumBy' || source.type === 'rate') && source.by !== undefined
              ? source.by
              : 'series';
          return {
            ...base,
            status: 'ok',
            data: {
              kind: 'table',
              columns: [keyColumn, 'value'],
              rows: points.map((p) => [p.key, p.value]),
            },
          };
        }
        case 'timeseries':
          // Handled before evaluation; reaching here means the source had no history.
          return { ...base, status: 'ok', data: { kind: 'timeseries', series: [] } };
      }
    }
  }
}

/** Computes one widget's data. */
export function widgetData(widget: WidgetDefinition, inputs: WidgetInputs): WidgetData {
  const source = widget.source;
  if (source.type === 'instances') return fromEvaluation(widget, instancesTable(inputs.cluster));
  if (source.type === 'connections')
    return fromEvaluation(widget, connectionsTable(source, inputs.connections()));
  if (widget.kind === 'timeseries') {
    // A metric absent now is "not installed" even if history is empty.
    const now = evaluate(source, inputs.withNow, inputs.withNow.length - 1);
    if (now.status !== 'ok') return fromEvaluation(widget, now);
    return fromEvaluation(widget, timeseries(widget, source, inputs));
  }
  return fromEvaluation(widget, evaluate(source, inputs.withNow, inputs.withNow.length - 1));
}
