import type { DashboardDefinition, WidgetDefinition, WidgetKind, WidgetUnit } from '../config.js';
import { widgetKinds, widgetUnits } from '../config.js';
import { configLimits } from '../configLimits.js';
import type { At } from './configFields.js';
import {
  checkKeys,
  field,
  idRule,
  isObject,
  report,
  str,
  titleRule,
  windowMs,
} from './configFields.js';
import { checkSource } from './checkSource.js';

function widgetKind(value: unknown, at: At): WidgetKind | undefined {
  if (typeof value === 'string' && (widgetKinds as readonly string[]).includes(value))
    return value as WidgetKind;
  report(at, `must be one of ${widgetKinds.join(', ')}`);
  return undefined;
}

function widgetUnit(value: unknown, at: At): WidgetUnit | undefined {
  if (typeof value === 'string' && (widgetUnits as readonly string[]).includes(value))
    return value as WidgetUnit;
  report(at, `must be one of ${widgetUnits.join(', ')}`);
  return undefined;
}

/** One widget; its id must be new in `widgetIds` (ids are unique across dashboards), and is added. */
function checkWidget(value: unknown, at: At, widgetIds: Set<string>): WidgetDefinition | undefined {
  if (!isObject(value)) {
    report(at, 'must be an object');
    return undefined;
  }
  checkKeys(value, ['id', 'title', 'kind', 'source', 'unit', 'rangeMs'], at);
  const id = str(value.id, field(at, 'id'), idRule);
  if (id !== undefined) {
    if (widgetIds.has(id))
      report(
        field(at, 'id'),
        `duplicate widget id "${id}" (widget ids are unique across dashboards)`,
      );
    widgetIds.add(id);
  }
  const title = str(value.title, field(at, 'title'), titleRule);
  const kind = widgetKind(value.kind, field(at, 'kind'));
  const src = checkSource(value.source, kind, field(at, 'source'));
  const unit = value.unit === undefined ? undefined : widgetUnit(value.unit, field(at, 'unit'));
  let rangeMs: number | undefined;
  if (value.rangeMs !== undefined) {
    rangeMs = windowMs(value.rangeMs, field(at, 'rangeMs'));
    if (kind !== undefined && kind !== 'timeseries')
      report(field(at, 'rangeMs'), 'only time series widgets have a range');
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

/** One dashboard and its widgets (their ids collected in `widgetIds`). */
export function checkDashboard(
  value: unknown,
  at: At,
  widgetIds: Set<string>,
): DashboardDefinition | undefined {
  if (!isObject(value)) {
    report(at, 'must be an object');
    return undefined;
  }
  checkKeys(value, ['id', 'title', 'widgets'], at);
  const id = str(value.id, field(at, 'id'), idRule);
  const title = str(value.title, field(at, 'title'), titleRule);
  const widgetsAt = field(at, 'widgets');
  const widgets: WidgetDefinition[] = [];
  if (!Array.isArray(value.widgets) || value.widgets.length > configLimits.maxWidgetsPerDashboard) {
    report(widgetsAt, `must be an array of at most ${configLimits.maxWidgetsPerDashboard} widgets`);
  } else {
    value.widgets.forEach((w: unknown, i) => {
      const checked = checkWidget(w, field(widgetsAt, i), widgetIds);
      if (checked !== undefined) widgets.push(checked);
    });
  }
  if (id === undefined || title === undefined) return undefined;
  return { id, title, widgets };
}
