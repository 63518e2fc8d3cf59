import { WsError } from '@ws/core';
import type {
  ConfigIssue,
  DashboardConfig,
  DashboardDefinition,
  DataSource,
  LabelFilter,
  ValueSource,
  WidgetDefinition,
  WidgetKind,
  WidgetUnit,
} from './config.js';
import { configVersion, widgetKinds, widgetUnits } from './config.js';

/** Bounds the validator enforces. */
export const configLimits = Object.freeze({
  maxDashboards: 100,
  maxWidgetsPerDashboard: 100,
  maxTitleLength: 200,
  maxLabelFilters: 20,
  maxQuantiles: 10,
  maxMultiSeries: 10,
  minWindowMs: 1000,
  maxWindowMs: 86_400_000,
  maxConnectionsRows: 1000,
});

/** A {@link WsError} raised for a refused configuration, with every problem and its path. */
export type ConfigError = WsError & { readonly issues: readonly ConfigIssue[] };

const idPattern = /^[A-Za-z0-9_.-]{1,64}$/;
const metricPattern = /^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/;
const labelPattern = /^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/;

type Issues = ConfigIssue[];
type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Obj, allowed: readonly string[], path: string, issues: Issues): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      issues.push({
        path: join(path, key),
        message: `unknown key (allowed: ${allowed.join(', ')})`,
      });
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function str(
  value: unknown,
  path: string,
  issues: Issues,
  max: number,
  pattern?: RegExp,
): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    issues.push({ path, message: `must be a string of 1-${max} characters` });
    return undefined;
  }
  if (pattern !== undefined && !pattern.test(value)) {
    issues.push({ path, message: `must match ${String(pattern)}` });
    return undefined;
  }
  return value;
}

function int(
  value: unknown,
  path: string,
  issues: Issues,
  min: number,
  max: number,
): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    issues.push({ path, message: `must be an integer from ${min} to ${max}` });
    return undefined;
  }
  return value;
}

function labels(value: unknown, path: string, issues: Issues): LabelFilter | undefined {
  if (!isObject(value)) {
    issues.push({ path, message: 'must be an object of label name to value' });
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > configLimits.maxLabelFilters)
    issues.push({ path, message: `at most ${configLimits.maxLabelFilters} labels` });
  const out: Record<string, string> = {};
  for (const key of keys) {
    if (!labelPattern.test(key))
      issues.push({
        path: join(path, key),
        message: `bad label name (must match ${String(labelPattern)})`,
      });
    const v = value[key];
    if (typeof v !== 'string') issues.push({ path: join(path, key), message: 'must be a string' });
    else out[key] = v;
  }
  return out;
}

function windowMs(value: unknown, path: string, issues: Issues): number | undefined {
  return int(value, path, issues, configLimits.minWindowMs, configLimits.maxWindowMs);
}

function valueSource(
  src: Obj,
  type: string,
  path: string,
  issues: Issues,
): ValueSource | undefined {
  const metric = str(src.metric, join(path, 'metric'), issues, 200, metricPattern);
  const filter =
    src.labels === undefined ? undefined : labels(src.labels, join(path, 'labels'), issues);
  const withLabels = filter === undefined ? {} : { labels: filter };
  switch (type) {
    case 'metric':
      checkKeys(src, ['type', 'metric', 'labels'], path, issues);
      return metric === undefined ? undefined : { type, metric, ...withLabels };
    case 'rate': {
      checkKeys(src, ['type', 'metric', 'windowMs', 'by', 'labels'], path, issues);
      const w = windowMs(src.windowMs, join(path, 'windowMs'), issues);
      const by =
        src.by === undefined ? undefined : str(src.by, join(path, 'by'), issues, 100, labelPattern);
      if (metric === undefined || w === undefined) return undefined;
      return { type, metric, windowMs: w, ...(by === undefined ? {} : { by }), ...withLabels };
    }
    case 'sumBy': {
      checkKeys(src, ['type', 'metric', 'by', 'labels'], path, issues);
      const by = str(src.by, join(path, 'by'), issues, 100, labelPattern);
      if (metric === undefined || by === undefined) return undefined;
      return { type, metric, by, ...withLabels };
    }
    case 'quantile': {
      checkKeys(src, ['type', 'metric', 'quantiles', 'windowMs', 'labels'], path, issues);
      const qPath = join(path, 'quantiles');
      const qs: number[] = [];
      if (
        !Array.isArray(src.quantiles) ||
        src.quantiles.length === 0 ||
        src.quantiles.length > configLimits.maxQuantiles
      ) {
        issues.push({
          path: qPath,
          message: `must be an array of 1-${configLimits.maxQuantiles} numbers`,
        });
      } else {
        src.quantiles.forEach((q: unknown, i) => {
          if (typeof q !== 'number' || !(q > 0 && q <= 1))
            issues.push({ path: join(qPath, i), message: 'must be a number in (0, 1]' });
          else qs.push(q);
        });
      }
      const w =
        src.windowMs === undefined
          ? undefined
          : windowMs(src.windowMs, join(path, 'windowMs'), issues);
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

const valueTypes: readonly string[] = Object.freeze(['metric', 'rate', 'sumBy', 'quantile']);
const sourceTypes: readonly string[] = Object.freeze([
  ...valueTypes,
  'multi',
  'instances',
  'connections',
]);

function source(
  value: unknown,
  kind: WidgetKind | undefined,
  path: string,
  issues: Issues,
): DataSource | undefined {
  if (!isObject(value)) {
    issues.push({ path, message: 'must be an object with a "type"' });
    return undefined;
  }
  const type = value.type;
  if (typeof type !== 'string' || !sourceTypes.includes(type)) {
    issues.push({ path: join(path, 'type'), message: `must be one of ${sourceTypes.join(', ')}` });
    return undefined;
  }
  if ((type === 'instances' || type === 'connections') && kind !== undefined && kind !== 'table') {
    issues.push({ path: join(path, 'type'), message: `"${type}" can only be shown as a table` });
  }
  if (type === 'instances') {
    checkKeys(value, ['type'], path, issues);
    return { type };
  }
  if (type === 'connections') {
    checkKeys(value, ['type', 'limit'], path, issues);
    const limit = int(value.limit, join(path, 'limit'), issues, 1, configLimits.maxConnectionsRows);
    return limit === undefined ? undefined : { type, limit };
  }
  if (type === 'multi') {
    checkKeys(value, ['type', 'series'], path, issues);
    const sPath = join(path, 'series');
    if (
      !Array.isArray(value.series) ||
      value.series.length === 0 ||
      value.series.length > configLimits.maxMultiSeries
    ) {
      issues.push({
        path: sPath,
        message: `must be an array of 1-${configLimits.maxMultiSeries} { label, source }`,
      });
      return undefined;
    }
    const series: { label: string; source: ValueSource }[] = [];
    const seen = new Set<string>();
    value.series.forEach((entry: unknown, i) => {
      const ePath = join(sPath, i);
      if (!isObject(entry)) {
        issues.push({ path: ePath, message: 'must be an object { label, source }' });
        return;
      }
      checkKeys(entry, ['label', 'source'], ePath, issues);
      const label = str(entry.label, join(ePath, 'label'), issues, 64);
      if (label !== undefined && seen.has(label))
        issues.push({ path: join(ePath, 'label'), message: `duplicate label "${label}"` });
      if (label !== undefined) seen.add(label);
      const inner = entry.source;
      const innerType = isObject(inner) ? inner.type : undefined;
      if (!isObject(inner) || typeof innerType !== 'string' || !valueTypes.includes(innerType)) {
        issues.push({
          path: join(join(ePath, 'source'), 'type'),
          message: `must be one of ${valueTypes.join(', ')}`,
        });
        return;
      }
      const s = valueSource(inner, innerType, join(ePath, 'source'), issues);
      if (label !== undefined && s !== undefined) series.push({ label, source: s });
    });
    return { type, series };
  }
  return valueSource(value, type, path, issues);
}

function widget(
  value: unknown,
  path: string,
  issues: Issues,
  widgetIds: Set<string>,
): WidgetDefinition | undefined {
  if (!isObject(value)) {
    issues.push({ path, message: 'must be an object' });
    return undefined;
  }
  checkKeys(value, ['id', 'title', 'kind', 'source', 'unit', 'rangeMs'], path, issues);
  const id = str(value.id, join(path, 'id'), issues, 64, idPattern);
  if (id !== undefined) {
    if (widgetIds.has(id))
      issues.push({
        path: join(path, 'id'),
        message: `duplicate widget id "${id}" (widget ids are unique across dashboards)`,
      });
    widgetIds.add(id);
  }
  const title = str(value.title, join(path, 'title'), issues, configLimits.maxTitleLength);
  let kind: WidgetKind | undefined;
  if (typeof value.kind === 'string' && (widgetKinds as readonly string[]).includes(value.kind))
    kind = value.kind as WidgetKind;
  else
    issues.push({ path: join(path, 'kind'), message: `must be one of ${widgetKinds.join(', ')}` });
  const src = source(value.source, kind, join(path, 'source'), issues);
  let unit: WidgetUnit | undefined;
  if (value.unit !== undefined) {
    if (typeof value.unit === 'string' && (widgetUnits as readonly string[]).includes(value.unit))
      unit = value.unit as WidgetUnit;
    else
      issues.push({
        path: join(path, 'unit'),
        message: `must be one of ${widgetUnits.join(', ')}`,
      });
  }
  let rangeMs: number | undefined;
  if (value.rangeMs !== undefined) {
    rangeMs = windowMs(value.rangeMs, join(path, 'rangeMs'), issues);
    if (kind !== undefined && kind !== 'timeseries')
      issues.push({
        path: join(path, 'rangeMs'),
        message: 'only time series widgets have a range',
      });
  }
  if (id === undefined || title === undefined || kind === undefined || src === undefined)
    return undefined;
  return {
    id,
    title,
    kind,
    source: src,
    ...(unit === undefined ? {} : { unit }),
    ...(rangeMs === undefined ? {} : { rangeMs }),
  };
}

function dashboard(
  value: unknown,
  path: string,
  issues: Issues,
  widgetIds: Set<string>,
): DashboardDefinition | undefined {
  if (!isObject(value)) {
    issues.push({ path, message: 'must be an object' });
    return undefined;
  }
  checkKeys(value, ['id', 'title', 'widgets'], path, issues);
  const id = str(value.id, join(path, 'id'), issues, 64, idPattern);
  const title = str(value.title, join(path, 'title'), issues, configLimits.maxTitleLength);
  const wPath = join(path, 'widgets');
  const widgets: WidgetDefinition[] = [];
  if (!Array.isArray(value.widgets) || value.widgets.length > configLimits.maxWidgetsPerDashboard) {
    issues.push({
      path: wPath,
      message: `must be an array of at most ${configLimits.maxWidgetsPerDashboard} widgets`,
    });
  } else {
    value.widgets.forEach((w: unknown, i) => {
      const checked = widget(w, join(wPath, i), issues, widgetIds);
      if (checked !== undefined) widgets.push(checked);
    });
  }
  if (id === undefined || title === undefined) return undefined;
  return { id, title, widgets };
}

/**
 * Checks a configuration; returns it in canonical form (fresh objects, fixed key order) or the
 * list of problems, each with its path. A `version` newer than {@link configVersion} is one
 * problem at path `version`.
 */
export function checkConfig(
  value: unknown,
):
  | { readonly ok: true; readonly config: DashboardConfig }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] } {
  const issues: Issues = [];
  if (!isObject(value))
    return {
      ok: false,
      issues: [{ path: '$', message: 'must be an object { version, dashboards }' }],
    };
  checkKeys(value, ['version', 'defaultDashboard', 'dashboards'], '', issues);
  const version = int(value.version, 'version', issues, 1, Number.MAX_SAFE_INTEGER);
  const dashboards: DashboardDefinition[] = [];
  const widgetIds = new Set<string>();
  const dashboardIds = new Set<string>();
  if (
    !Array.isArray(value.dashboards) ||
    value.dashboards.length === 0 ||
    value.dashboards.length > configLimits.maxDashboards
  ) {
    issues.push({
      path: 'dashboards',
      message: `must be an array of 1-${configLimits.maxDashboards} dashboards`,
    });
  } else {
    value.dashboards.forEach((d: unknown, i) => {
      const checked = dashboard(d, join('dashboards', i), issues, widgetIds);
      if (checked === undefined) return;
      if (dashboardIds.has(checked.id))
        issues.push({
          path: `dashboards[${i}].id`,
          message: `duplicate dashboard id "${checked.id}"`,
        });
      dashboardIds.add(checked.id);
      dashboards.push(checked);
    });
  }
  let defaultDashboard: string | undefined;
  if (value.defaultDashboard !== undefined) {
    defaultDashboard = str(value.defaultDashboard, 'defaultDashboard', issues, 64, idPattern);
    if (defaultDashboard !== undefined && !dashboardIds.has(defaultDashboard)) {
      issues.push({
        path: 'defaultDashboard',
        message: `names no dashboard ("${defaultDashboard}")`,
      });
    }
  }
  if (issues.length > 0 || version === undefined) return { ok: false, issues };
  return {
    ok: true,
    config: {
      version,
      ...(defaultDashboard === undefined ? {} : { defaultDashboard }),
      dashboards,
    },
  };
}

/** Builds the error for refused problems: code `invalid_config`, every path in the message. */
export function configError(
  issues: readonly ConfigIssue[],
  what = 'dashboard config',
): ConfigError {
  const shown = issues.slice(0, 20).map((i) => `${i.path}: ${i.message}`);
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
  const err = new WsError(
    'invalid_config',
    `invalid ${what} (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${shown.join('; ')}${more}`,
  );
  return Object.assign(err, { issues });
}

/**
 * Validates a configuration and returns it in canonical form; throws a {@link ConfigError}
 * (`invalid_config`) listing each problem's path, or `WsError('unsupported_version')` for a
 * config written by a newer version of this package.
 */
export function validateConfig(value: unknown): DashboardConfig {
  if (isObject(value) && typeof value.version === 'number' && value.version > configVersion) {
    throw new WsError(
      'unsupported_version',
      `dashboard config version ${value.version} is newer than this @ws/dashboard supports (${configVersion}); upgrade @ws/dashboard to load it`,
    );
  }
  const result = checkConfig(value);
  if (!result.ok) throw configError(result.issues);
  return result.config;
}
