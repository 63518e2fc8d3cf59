import type {
  ClusterStats,
  Manager,
  OptionKeys,
  Plugin,
  PluginContext,
  TimerHandle,
} from '@ws/core';
import { WsError, checkOptionKeys } from '@ws/core';
import type {
  ConfigChange,
  DashboardConfig,
  DashboardConfigPatch,
  WidgetDefinition,
} from './config.js';
import { defaultDashboardConfig } from './defaultConfig.js';
import { applyPatch } from './internal/applyPatch.js';
import { createHistory, toSample } from './internal/history.js';
import type { WidgetInputs } from './internal/widgetValues.js';
import { widgetData } from './internal/widgetValues.js';
import type { DashboardOptions } from './options.js';
import { dashboardDefaults, dashboardOptionKeys } from './options.js';
import { validateConfig } from './validateConfig.js';
import type { DashboardData, WidgetData } from './widgetData.js';

/** Options of `updateDashboardConfig`. */
export interface UpdateOptions {
  /**
   * Refuse the update (`WsError('conflict')`) unless the current revision is this one.
   * @default no check
   */
  readonly expectedRevision?: number;
}

const updateOptionKeys = { expectedRevision: true } as const satisfies OptionKeys<UpdateOptions>;

/** A live dashboard over one manager: configuration, widget data, and the sampler behind it. */
export interface Dashboard {
  /** The current configuration (canonical, read-only). */
  getConfig(): DashboardConfig;
  /** Starts at 1; +1 per accepted update or import. */
  readonly revision: number;
  /** One dashboard's widgets with their data; the default dashboard when no id is given. */
  getDashboardData(dashboardId?: string): Promise<DashboardData>;
  /** One widget's data (widget ids are unique across dashboards). */
  getWidgetData(widgetId: string): Promise<WidgetData>;
  /**
   * Applies a patch, validates the result and makes it current; throws (and keeps the current
   * configuration) `WsError('invalid_config')` with each problem's path, or `WsError('conflict')`.
   */
  updateDashboardConfig(patch: DashboardConfigPatch, options?: UpdateOptions): DashboardConfig;
  /** The configuration as JSON text; `importConfig(exportConfig())` changes nothing. */
  exportConfig(): string;
  /**
   * Replaces the configuration with one from JSON text (or a parsed object). A malformed config
   * is refused with `WsError('invalid_config')`, one from a newer version of this package with
   * `WsError('unsupported_version')`; the current configuration is then kept.
   */
  importConfig(json: string | DashboardConfig): DashboardConfig;
  /** Subscribes to accepted configuration changes; returns the unsubscribe function. */
  onConfigChange(listener: (change: ConfigChange) => void): () => void;
  /** Takes a sample of the registry now (the timer does this every `sampleIntervalMs`). */
  sample(): void;
  readonly sampleIntervalMs: number;
  /** Stops the sampler (also done when the manager closes). Idempotent. */
  close(): void;
}

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw Object.assign(
      new WsError(
        'invalid_config',
        `invalid dashboard config (1 problem): $: not valid JSON (${(err as Error).message})`,
        { cause: err },
      ),
      { issues: [{ path: '$', message: 'not valid JSON' }] },
    );
  }
}

function positiveInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new WsError('invalid_options', `${name} must be an integer >= ${min}`);
  return value;
}

function setup(ctx: PluginContext, options: DashboardOptions): Dashboard {
  const clock = options.clock ?? ctx.clock;
  const sampleIntervalMs = positiveInt(
    options.sampleIntervalMs ?? dashboardDefaults.sampleIntervalMs,
    'sampleIntervalMs',
    10,
  );
  const historySize = positiveInt(
    options.historySize ?? dashboardDefaults.historySize,
    'historySize',
    2,
  );
  const initial = options.config ?? defaultDashboardConfig;
  let config = validateConfig(typeof initial === 'string' ? parseJson(initial) : initial);
  let revision = 1;
  const listeners = new Set<(change: ConfigChange) => void>();
  if (options.onConfigChange !== undefined) listeners.add(options.onConfigChange);
  const history = createHistory(historySize);
  const cache: WidgetInputs['cache'] = new WeakMap();
  let timer: TimerHandle | undefined;
  let closed = false;

  const sample = (): void => {
    try {
      history.push(toSample(clock.now(), ctx.metrics.snapshot()));
    } catch (err) {
      ctx.onError(err, { stage: 'sample' });
    }
  };

  const commit = (next: DashboardConfig, cause: ConfigChange['cause']): DashboardConfig => {
    const previousRevision = revision;
    config = next;
    revision++;
    const change: ConfigChange = { revision, previousRevision, config, cause };
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch (err) {
        ctx.onError(err, { stage: 'config-listener' });
      }
    }
    ctx.emit('dashboard:config', change);
    return config;
  };

  const findWidget = (widgetId: string): WidgetDefinition | undefined => {
    for (const d of config.dashboards) for (const w of d.widgets) if (w.id === widgetId) return w;
    return undefined;
  };

  const inputs = async (widgets: readonly WidgetDefinition[]): Promise<WidgetInputs> => {
    let cluster: ClusterStats | undefined;
    if (widgets.some((w) => w.source.type === 'instances'))
      cluster = await ctx.manager.getClusterStats();
    const kept = history.samples();
    return {
      history: kept,
      withNow: [...kept, toSample(clock.now(), ctx.metrics.snapshot())],
      cluster,
      connections: () => ctx.connections(),
      cache,
    };
  };

  const dashboard: Dashboard = {
    getConfig: () => config,
    get revision() {
      return revision;
    },
    sampleIntervalMs,

    async getDashboardData(dashboardId) {
      const id = dashboardId ?? config.defaultDashboard ?? config.dashboards[0]?.id;
      const def = config.dashboards.find((d) => d.id === id);
      if (def === undefined) throw new WsError('not_found', `no dashboard "${String(id)}"`);
      const atRevision = revision;
      const input = await inputs(def.widgets);
      return {
        id: def.id,
        title: def.title,
        revision: atRevision,
        generatedAt: clock.now(),
        dashboards: config.dashboards.map((d) => ({ id: d.id, title: d.title })),
        widgets: def.widgets.map((w) => widgetData(w, input)),
      };
    },

    async getWidgetData(widgetId) {
      const widget = findWidget(widgetId);
      if (widget === undefined) throw new WsError('not_found', `no widget "${widgetId}"`);
      return widgetData(widget, await inputs([widget]));
    },

    updateDashboardConfig(patch, updateOptions = {}) {
      checkOptionKeys<UpdateOptions>(
        updateOptions,
        updateOptionKeys,
        'updateDashboardConfig options',
      );
      if (
        updateOptions.expectedRevision !== undefined &&
        updateOptions.expectedRevision !== revision
      ) {
        throw new WsError(
          'conflict',
          `dashboard config is at revision ${revision}, not ${updateOptions.expectedRevision}`,
        );
      }
      return commit(applyPatch(config, patch), 'update');
    },

    exportConfig: () => JSON.stringify(config, null, 2),

    importConfig(json) {
      return commit(validateConfig(typeof json === 'string' ? parseJson(json) : json), 'import');
    },

    onConfigChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    sample,

    close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clock.clear(timer);
      timer = undefined;
      listeners.clear();
    },
  };

  sample();
  timer = clock.setInterval(sample, sampleIntervalMs);
  ctx.onClose(() => {
    dashboard.close();
  });
  return dashboard;
}

/**
 * The dashboard plugin over options whose keys were checked already (`dashboardHandler` passes
 * its own options, a superset).
 */
export function dashboardPlugin(options: DashboardOptions): Plugin<Dashboard> {
  return { name: 'dashboard', setup: (ctx) => setup(ctx, options) };
}

/**
 * The dashboard as a plugin: `const dash = manager.use(dashboard(options))`. An unknown option
 * key throws `WsError('invalid_options')` naming it, here, before any manager is involved.
 */
export function dashboard(options: DashboardOptions = {}): Plugin<Dashboard> {
  checkOptionKeys<DashboardOptions>(options, dashboardOptionKeys, 'dashboard options');
  return dashboardPlugin(options);
}

/**
 * Creates a dashboard over a manager (same as `manager.use(dashboard(options))`). An unknown
 * option key throws `WsError('invalid_options')` naming it, before anything is registered.
 */
export function createDashboard(manager: Manager, options: DashboardOptions = {}): Dashboard {
  checkOptionKeys<DashboardOptions>(options, dashboardOptionKeys, 'createDashboard options');
  return manager.use(dashboardPlugin(options));
}
