import type { MetricKind, MetricSnapshot, OptionKeys } from '@ws/core';
import { WsError, checkOptionKeys } from '@ws/core';
import type { Metric, Registry, RegistryContentType } from 'prom-client';
import type { PromMetric } from '../internal/promMetric.js';
import { createPromMetric } from '../internal/promMetric.js';
import type {
  CollectIntoOptions,
  MetricsHolder,
  PromClientCollection,
} from './collectIntoOptions.js';
import { collectIntoDefaults } from './collectIntoOptions.js';

/** A prom-client registry of either content type (Prometheus text or OpenMetrics). */
export type AnyRegistry = Registry<RegistryContentType>;

const registryMethods = [
  'registerMetric',
  'getSingleMetric',
  'removeSingleMetric',
  'metrics',
] as const;
const histogramSuffixes = ['_bucket', '_sum', '_count'] as const;

const collectIntoOptionKeys = { include: true } as const satisfies OptionKeys<CollectIntoOptions>;

function checkArguments(registry: unknown, manager: unknown, options: unknown): void {
  const r = registry as Record<string, unknown> | null | undefined;
  if (
    typeof r !== 'object' ||
    r === null ||
    registryMethods.some((m) => typeof r[m] !== 'function')
  )
    throw new WsError(
      'invalid_options',
      'collectInto: `registry` must be a prom-client Registry (e.g. `new Registry()`)',
    );
  const metrics = (manager as { metrics?: Record<string, unknown> } | null | undefined)?.metrics;
  if (typeof metrics?.read !== 'function' || typeof metrics.snapshot !== 'function')
    throw new WsError('invalid_options', 'collectInto: `manager` must be a @ws/core manager');
  checkOptionKeys<CollectIntoOptions>(options, collectIntoOptionKeys, 'collectInto options');
  const include = (options as { include?: unknown } | undefined)?.include;
  if (include !== undefined && typeof include !== 'function')
    throw new WsError('invalid_options', 'collectInto: `include` must be a function');
}

/**
 * What already in `registry` would clash with a metric `name` of `kind`: the same name, or the
 * series names of a histogram (`_bucket`, `_sum`, `_count`) on either side.
 */
function clashOf(registry: AnyRegistry, name: string, kind: MetricKind): string | undefined {
  if (registry.getSingleMetric(name) !== undefined) return name;
  if (kind === 'histogram') {
    const taken = histogramSuffixes.find((s) => registry.getSingleMetric(name + s) !== undefined);
    if (taken !== undefined) return name + taken;
  }
  for (const suffix of histogramSuffixes) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const type = (registry.getSingleMetric(base) as { type?: unknown } | undefined)?.type;
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return undefined;
}

/**
 * Exposes a manager's metrics in an existing prom-client registry, so one `/metrics` serves the
 * application's own metrics and the manager's. Every metric of `manager.metrics` (core's and
 * every plugin's) becomes one prom-client metric of the same name, help, type and labels, read
 * from the manager at each scrape (`registry.metrics()`), histograms with their buckets, `_sum`
 * and `_count`: the same samples as the dashboard's own `/metrics`.
 *
 * `registry` is required: it is never prom-client's global default unless you pass that one. A
 * name already in the registry throws `WsError('invalid_options')` naming it, and nothing is
 * registered. Metrics the manager gains later (a plugin `use`d after this call) appear after
 * `refresh()`.
 * @throws WsError('invalid_options') for a missing or invalid `registry`, `manager` or option,
 * an unknown option key (naming it and the nearest known one), or a name clash.
 */
export function collectInto(
  registry: AnyRegistry,
  manager: MetricsHolder,
  options: CollectIntoOptions = {},
): PromClientCollection {
  checkArguments(registry, manager, options);
  const include = options.include ?? collectIntoDefaults.include;
  const added = new Map<string, PromMetric>();
  let removed = false;

  const register = (): string[] => {
    const fresh: MetricSnapshot[] = manager.metrics
      .snapshot()
      .filter((m) => !added.has(m.name) && include(m.name));
    const clashes = fresh.flatMap((m) => {
      const clash = clashOf(registry, m.name, m.kind);
      return clash === undefined ? [] : [clash === m.name ? m.name : `${m.name} (${clash})`];
    });
    if (clashes.length > 0)
      throw new WsError(
        'invalid_options',
        `collectInto: already in the registry: ${clashes.join(', ')}; nothing was registered`,
      );
    for (const m of fresh) {
      const metric = createPromMetric(manager.metrics, m);
      // A structural metric object: prom-client's types name only its own classes.
      registry.registerMetric(metric as unknown as Metric);
      added.set(m.name, metric);
    }
    return fresh.map((m) => m.name);
  };

  register();
  return {
    get metrics(): readonly string[] {
      return [...added.keys()];
    },
    refresh(): string[] {
      if (removed) throw new WsError('closed', 'collectInto: refresh() after remove()');
      return register();
    },
    remove(): void {
      removed = true;
      for (const [name, metric] of added) {
        if ((registry.getSingleMetric(name) as unknown) === metric)
          registry.removeSingleMetric(name);
      }
      added.clear();
    },
  };
}
