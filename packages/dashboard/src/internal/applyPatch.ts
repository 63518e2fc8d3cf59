import type { ConfigIssue, DashboardConfig, DashboardDefinition } from '../config.js';
import { checkConfig, configError } from '../validateConfig.js';

const idPattern = /^[A-Za-z0-9_.-]{1,64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies a patch to a configuration and validates the result; throws a `ConfigError` whose
 * paths name the patch (`dashboards.ops.widgets[2].kind`).
 */
export function applyPatch(current: DashboardConfig, patch: unknown): DashboardConfig {
  const issues: ConfigIssue[] = [];
  if (!isObject(patch))
    throw configError(
      [{ path: '$', message: 'a patch must be an object { dashboards?, defaultDashboard? }' }],
      'dashboard config patch',
    );
  for (const key of Object.keys(patch)) {
    if (key !== 'dashboards' && key !== 'defaultDashboard')
      issues.push({ path: key, message: 'unknown key (allowed: dashboards, defaultDashboard)' });
  }
  const dashboards: unknown[] = [...current.dashboards];
  const ids = current.dashboards.map((d) => d.id);
  let defaultDashboard: unknown = current.defaultDashboard;
  if (patch.dashboards !== undefined) {
    if (!isObject(patch.dashboards)) {
      issues.push({
        path: 'dashboards',
        message: 'must be an object of dashboard id to dashboard (or null to remove it)',
      });
    } else {
      for (const [id, def] of Object.entries(patch.dashboards)) {
        const path = `dashboards.${id}`;
        if (!idPattern.test(id)) {
          issues.push({ path, message: `bad dashboard id (must match ${String(idPattern)})` });
          continue;
        }
        const at = ids.indexOf(id);
        if (def === null) {
          if (at < 0) issues.push({ path, message: `no dashboard "${id}" to remove` });
          else {
            dashboards.splice(at, 1);
            ids.splice(at, 1);
            if (defaultDashboard === id) defaultDashboard = undefined;
          }
          continue;
        }
        if (!isObject(def)) {
          issues.push({ path, message: 'must be a dashboard object { title, widgets } or null' });
          continue;
        }
        if (def.id !== undefined && def.id !== id)
          issues.push({ path: `${path}.id`, message: `must be "${id}" (the key) or absent` });
        const next = { ...def, id } as DashboardDefinition;
        if (at < 0) {
          dashboards.push(next);
          ids.push(id);
        } else dashboards[at] = next;
      }
    }
  }
  if (patch.defaultDashboard !== undefined)
    defaultDashboard = patch.defaultDashboard === null ? undefined : patch.defaultDashboard;
  if (issues.length > 0) throw configError(issues, 'dashboard config patch');
  const merged = {
    version: current.version,
    ...(defaultDashboard === undefined ? {} : { defaultDashboard }),
    dashboards,
  };
  const result = checkConfig(merged);
  if (result.ok) return result.config;
  const renamed = result.issues.map((issue) => ({
    path: issue.path.replace(/^dashboards\[(\d+)\]/, (whole, i: string) => {
      const id = ids[Number(i)];
      return id === undefined ? whole : `dashboards.${id}`;
    }),
    message: issue.message,
  }));
  throw configError(renamed, 'dashboard config patch');
}
