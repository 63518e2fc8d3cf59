import type { DataSource, MultiSource, ValueSource, WidgetKind } from '../config.js';
import { configLimits } from '../configLimits.js';
import type { At, Obj } from './configFields.js';
import {
  checkKeys,
  field,
  int,
  isObject,
  labelRule,
  labels,
  metricRule,
  report,
  str,
  windowMs,
} from './configFields.js';

const valueTypes: readonly string[] = Object.freeze(['metric', 'rate', 'sumBy', 'quantile']);
const sourceTypes: readonly string[] = Object.freeze([
  ...valueTypes,
  'multi',
  'instances',
  'connections',
]);

function quantileList(value: unknown, at: At): number[] {
  const qs: number[] = [];
  if (!Array.isArray(value) || value.length === 0 || value.length > configLimits.maxQuantiles) {
    report(at, `must be an array of 1-${configLimits.maxQuantiles} numbers`);
  } else {
    value.forEach((q: unknown, i) => {
      if (typeof q !== 'number' || !(q > 0 && q <= 1))
        report(field(at, i), 'must be a number in (0, 1]');
      else qs.push(q);
    });
  }
  return qs;
}

/** A `metric`, `rate`, `sumBy` or `quantile` source (`type` already checked to be one). */
function valueSource(src: Obj, type: string, at: At): ValueSource | undefined {
  const metric = str(src.metric, field(at, 'metric'), metricRule);
  const filter = src.labels === undefined ? undefined : labels(src.labels, field(at, 'labels'));
  const withLabels = filter === undefined ? {} : { labels: filter };
  switch (type) {
    case 'metric':
      checkKeys(src, ['type', 'metric', 'labels'], at);
      return metric === undefined ? undefined : { type, metric, ...withLabels };
    case 'rate': {
      checkKeys(src, ['type', 'metric', 'windowMs', 'by', 'labels'], at);
      const w = windowMs(src.windowMs, field(at, 'windowMs'));
      const by = src.by === undefined ? undefined : str(src.by, field(at, 'by'), labelRule);
      if (metric === undefined || w === undefined) return undefined;
      return { type, metric, windowMs: w, ...(by === undefined ? {} : { by }), ...withLabels };
    }
    case 'sumBy': {
      checkKeys(src, ['type', 'metric', 'by', 'labels'], at);
      const by = str(src.by, field(at, 'by'), labelRule);
      if (metric === undefined || by === undefined) return undefined;
      return { type, metric, by, ...withLabels };
    }
    case 'quantile': {
      checkKeys(src, ['type', 'metric', 'quantiles', 'windowMs', 'labels'], at);
      const qs = quantileList(src.quantiles, field(at, 'quantiles'));
      const w =
        src.windowMs === undefined ? undefined : windowMs(src.windowMs, field(at, 'windowMs'));
      if (metric === undefined) return undefined;
      return {
        type,
        metric,
        quantiles: qs,
        ...(w === undefined ? {} : { windowMs: w }),
        ...withLabels,
      };
    }
    default:
      return undefined;
  }
}

/** The series of a `multi` source: unique labels, each with a value source. */
function multiSeries(value: unknown, at: At): MultiSource['series'] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > configLimits.maxMultiSeries) {
    report(at, `must be an array of 1-${configLimits.maxMultiSeries} { label, source }`);
    return undefined;
  }
  const series: { label: string; source: ValueSource }[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, i) => {
    const entryAt = field(at, i);
    if (!isObject(entry)) {
      report(entryAt, 'must be an object { label, source }');
      return;
    }
    checkKeys(entry, ['label', 'source'], entryAt);
    const labelAt = field(entryAt, 'label');
    const label = str(entry.label, labelAt, { max: 64 });
    if (label !== undefined && seen.has(label)) report(labelAt, `duplicate label "${label}"`);
    if (label !== undefined) seen.add(label);
    const inner = entry.source;
    const innerType = isObject(inner) ? inner.type : undefined;
    const sourceAt = field(entryAt, 'source');
    if (!isObject(inner) || typeof innerType !== 'string' || !valueTypes.includes(innerType)) {
      report(field(sourceAt, 'type'), `must be one of ${valueTypes.join(', ')}`);
      return;
    }
    const s = valueSource(inner, innerType, sourceAt);
    if (label !== undefined && s !== undefined) series.push({ label, source: s });
  });
  return series;
}

/** A widget's data source; `instances` and `connections` only for a table (`kind`, when known). */
export function checkSource(
  value: unknown,
  kind: WidgetKind | undefined,
  at: At,
): DataSource | undefined {
  if (!isObject(value)) {
    report(at, 'must be an object with a "type"');
    return undefined;
  }
  const type = value.type;
  if (typeof type !== 'string' || !sourceTypes.includes(type)) {
    report(field(at, 'type'), `must be one of ${sourceTypes.join(', ')}`);
    return undefined;
  }
  if ((type === 'instances' || type === 'connections') && kind !== undefined && kind !== 'table') {
    report(field(at, 'type'), `"${type}" can only be shown as a table`);
  }
  if (type === 'instances') {
    checkKeys(value, ['type'], at);
    return { type };
  }
  if (type === 'connections') {
    checkKeys(value, ['type', 'limit'], at);
    const limit = int(value.limit, field(at, 'limit'), {
      min: 1,
      max: configLimits.maxConnectionsRows,
    });
    return limit === undefined ? undefined : { type, limit };
  }
  if (type === 'multi') {
    checkKeys(value, ['type', 'series'], at);
    const series = multiSeries(value.series, field(at, 'series'));
    return series === undefined ? undefined : { type, series };
  }
  return valueSource(value, type, at);
}
