import { WsError } from '@ws/core';
import type { ConfigIssue, DashboardConfig, DashboardDefinition } from './config.js';
import { configVersion } from './config.js';
import { configLimits } from './configLimits.js';
import { checkDashboard } from './internal/checkDashboard.js';
import type { At } from './internal/configFields.js';
import { checkKeys, field, idRule, int, isObject, report, str } from './internal/configFields.js';

/** A {@link WsError} raised for a refused configuration, with every problem and its path. */
export type ConfigError = WsError & { readonly issues: readonly ConfigIssue[] };

/** The dashboards, with unique ids (collected in `dashboardIds`) and widget ids unique across them. */
function checkDashboards(value: unknown, at: At, dashboardIds: Set<string>): DashboardDefinition[] {
  const dashboards: DashboardDefinition[] = [];
  const widgetIds = new Set<string>();
  if (!Array.isArray(value) || value.length === 0 || value.length > configLimits.maxDashboards) {
    report(at, `must be an array of 1-${configLimits.maxDashboards} dashboards`);
    return dashboards;
  }
  value.forEach((d: unknown, i) => {
    const checked = checkDashboard(d, field(at, i), widgetIds);
    if (checked === undefined) return;
    if (dashboardIds.has(checked.id))
      report(field(field(at, i), 'id'), `duplicate dashboard id "${checked.id}"`);
    dashboardIds.add(checked.id);
    dashboards.push(checked);
  });
  return dashboards;
}

/**
 * Checks a configuration; returns it in canonical form (fresh objects, fixed key order) or the
 * list of problems, each with its path. `version` must be an integer >= 1 (else one problem at
 * path `version`) and is kept as given: this does not compare it with {@link configVersion}
 * (`validateConfig` refuses a newer one before checking anything else).
 */
export function checkConfig(
  value: unknown,
):
  | { readonly ok: true; readonly config: DashboardConfig }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  if (!isObject(value))
    return {
      ok: false,
      issues: [{ path: '$', message: 'must be an object { version, dashboards }' }],
    };
  const root: At = { path: '', issues };
  checkKeys(value, ['version', 'defaultDashboard', 'dashboards'], root);
  const version = int(value.version, field(root, 'version'), {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  });
  const dashboardIds = new Set<string>();
  const dashboards = checkDashboards(value.dashboards, field(root, 'dashboards'), dashboardIds);
  let defaultDashboard: string | undefined;
  if (value.defaultDashboard !== undefined) {
    const at = field(root, 'defaultDashboard');
    defaultDashboard = str(value.defaultDashboard, at, idRule);
    if (defaultDashboard !== undefined && !dashboardIds.has(defaultDashboard))
      report(at, `names no dashboard ("${defaultDashboard}")`);
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
