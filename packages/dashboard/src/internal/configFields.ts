import type { ConfigIssue, LabelFilter } from '../config.js';
import { configLimits } from '../configLimits.js';

/** A config object as read: any keys, any values. */
export type Obj = Record<string, unknown>;

/** Where a value sits in the config (its path) and where its problems go. */
export interface At {
  readonly path: string;
  readonly issues: ConfigIssue[];
}

/** A string's bounds: 1 to `max` characters, matching `pattern` when given. */
export interface StringRule {
  readonly max: number;
  readonly pattern?: RegExp;
}

/** An integer's bounds, both included. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

const labelPattern = /^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/;

/** Dashboard and widget ids. */
export const idRule: Readonly<StringRule> = { max: 64, pattern: /^[A-Za-z0-9_.-]{1,64}$/ };
/** Dashboard and widget titles. */
export const titleRule: Readonly<StringRule> = { max: configLimits.maxTitleLength };
/** Metric names, as Prometheus allows them. */
export const metricRule: Readonly<StringRule> = {
  max: 200,
  pattern: /^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/,
};
/** Label names, as Prometheus allows them. */
export const labelRule: Readonly<StringRule> = { max: 100, pattern: labelPattern };

/** A plain object (not `null`, not an array). */
export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of a key (`a.b`) or an index (`a[0]`) below `path`. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** The place of a key or an index below `at`, with the same issue list. */
export function field(at: At, key: string | number): At {
  return { path: join(at.path, key), issues: at.issues };
}

/** Records one problem at `at`. */
export function report(at: At, message: string): void {
  at.issues.push({ path: at.path, message });
}

/** Reports every key of `value` not in `allowed`. */
export function checkKeys(value: Obj, allowed: readonly string[], at: At): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      report(field(at, key), `unknown key (allowed: ${allowed.join(', ')})`);
  }
}

/** A string within `rule`, else `undefined` and a problem at `at`. */
export function str(value: unknown, at: At, rule: StringRule): string | undefined {
  const { max, pattern } = rule;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    report(at, `must be a string of 1-${max} characters`);
    return undefined;
  }
  if (pattern !== undefined && !pattern.test(value)) {
    report(at, `must match ${String(pattern)}`);
    return undefined;
  }
  return value;
}

/** An integer within `range`, else `undefined` and a problem at `at`. */
export function int(value: unknown, at: At, range: IntRange): number | undefined {
  const { min, max } = range;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    report(at, `must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

const windowRange: Readonly<IntRange> = {
  min: configLimits.minWindowMs,
  max: configLimits.maxWindowMs,
};

/** A window or range in ms, within the configured bounds. */
export function windowMs(value: unknown, at: At): number | undefined {
  return int(value, at, windowRange);
}

/** A label filter: label name to value. */
export function labels(value: unknown, at: At): LabelFilter | undefined {
  if (!isObject(value)) {
    report(at, 'must be an object of label name to value');
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > configLimits.maxLabelFilters)
    report(at, `at most ${configLimits.maxLabelFilters} labels`);
  const out: Record<string, string> = {};
  for (const key of keys) {
    if (!labelPattern.test(key))
      report(field(at, key), `bad label name (must match ${String(labelPattern)})`);
    const v = value[key];
    if (typeof v !== 'string') report(field(at, key), 'must be a string');
    else out[key] = v;
  }
  return out;
}
