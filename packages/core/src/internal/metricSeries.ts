import { WsError } from '../errors.js';
import type {
  Counter,
  Gauge,
  GaugeOptions,
  Histogram,
  Labels,
  MetricKind,
  MetricOptions,
  MetricSnapshot,
  Sample,
} from '../metrics.js';

/** One registered metric: its kind, the metric itself, and how to read it. */
export interface MetricEntry<M extends Counter | Gauge | Histogram = Counter | Gauge | Histogram> {
  readonly kind: MetricKind;
  readonly metric: M;
  snapshot(): MetricSnapshot;
}

/** The key of one series: its label values in declared order. */
export function keyOf(labels: Labels | undefined, names: readonly string[]): string {
  if (labels === undefined || names.length === 0) return '';
  let key = '';
  for (const n of names) key += (labels[n] ?? '') + '\u0000';
  return key;
}

/** Throws `WsError('invalid_options')` when `labels` has a name the metric did not declare. */
export function checkLabels(
  name: string,
  labels: Labels | undefined,
  names: readonly string[],
): void {
  if (labels === undefined) return;
  for (const k of Object.keys(labels)) {
    if (!names.includes(k))
      throw new WsError('invalid_options', `metric ${name}: unknown label "${k}"`);
  }
}

interface SeriesValue {
  labels: Labels;
  value: number;
}

/** The series of a counter or gauge, by label key. */
interface Series {
  readonly values: Map<string, SeriesValue>;
  /** The series of `labels`, created on first use. */
  readonly slot: (labels: Labels | undefined) => SeriesValue;
}

function makeSeries(names: readonly string[]): Series {
  const values = new Map<string, SeriesValue>();
  // The series without labels is the hot one (counted per frame): found without a Map lookup.
  let unlabeled: SeriesValue | undefined;
  const slot = (labels: Labels | undefined): SeriesValue => {
    if (labels === undefined && unlabeled !== undefined) return unlabeled;
    const key = keyOf(labels, names);
    let s = values.get(key);
    if (s === undefined) {
      s = { labels: labels === undefined || names.length === 0 ? {} : { ...labels }, value: 0 };
      values.set(key, s);
    }
    if (labels === undefined) unlabeled = s;
    return s;
  };
  return { values, slot };
}

/** A new counter named `name`. */
export function createCounter(name: string, options: MetricOptions): MetricEntry<Counter> {
  const names = options.labelNames ?? [];
  const { values, slot } = makeSeries(names);
  const counter: Counter = {
    kind: 'counter',
    inc(value = 1, labels) {
      checkLabels(name, labels, names);
      slot(labels).value += value;
    },
    labels(labels) {
      checkLabels(name, labels, names);
      const s = slot(labels);
      return {
        inc(value = 1) {
          s.value += value;
        },
      };
    },
    get: (labels) => values.get(keyOf(labels, names))?.value ?? 0,
  };
  return {
    kind: 'counter',
    metric: counter,
    snapshot: () => ({
      name,
      help: options.help,
      kind: 'counter',
      samples: [...values.values()].map((s) => ({ labels: s.labels, value: s.value })),
    }),
  };
}

/** A new gauge named `name`: set by hand, or computed when read (`collect`). */
export function createGauge(name: string, options: GaugeOptions): MetricEntry<Gauge> {
  const names = options.labelNames ?? [];
  const { values, slot } = makeSeries(names);
  const collected = (): readonly Sample[] => {
    const c = options.collect?.();
    if (c === undefined)
      return [...values.values()].map((s) => ({ labels: s.labels, value: s.value }));
    return typeof c === 'number' ? [{ labels: {}, value: c }] : c;
  };
  const gauge: Gauge = {
    kind: 'gauge',
    set(value, labels) {
      checkLabels(name, labels, names);
      slot(labels).value = value;
    },
    inc(value = 1, labels) {
      checkLabels(name, labels, names);
      slot(labels).value += value;
    },
    dec(value = 1, labels) {
      checkLabels(name, labels, names);
      slot(labels).value -= value;
    },
    get(labels) {
      if (options.collect === undefined) return values.get(keyOf(labels, names))?.value ?? 0;
      const key = keyOf(labels, names);
      return collected().find((s) => keyOf(s.labels, names) === key)?.value ?? 0;
    },
  };
  return {
    kind: 'gauge',
    metric: gauge,
    snapshot: () => ({ name, help: options.help, kind: 'gauge', samples: collected() }),
  };
}
