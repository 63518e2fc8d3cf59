/**
 * How the presence benchmark reports: medians (min-max) of each variant's figures over the
 * repetitions, side by side, with each presence variant's ratio to the baseline from the same
 * run; the Redis calls per command; each repetition's headline figures. `summarizeRuns`, `ratio`,
 * `cell`, `fmt` and `commandsTable` serve the lifecycle benchmark's report too.
 */
import type { VariantRecord } from '../repetitions.js';
import type { RunMeta } from '../report.js';
import type { Figures } from '../scenarios.js';
import type { Summary } from '../stats.js';
import { summarize } from '../stats.js';
import type { Variant } from './plan.js';

export type { VariantRecord };

interface Metric {
  readonly key: string;
  readonly label: string;
  readonly digits: number;
  /** Shown with a ratio to the baseline. */
  readonly ratio?: boolean;
}

const perOp = (p: 'join' | 'leave'): Metric[] => [
  { key: `${p}_redis_cmds`, label: `${p}: Redis calls (scripts' included)`, digits: 2 },
  { key: `${p}_evalsha`, label: `${p}: of which EVALSHA`, digits: 2 },
  { key: `${p}_cpu_us`, label: `${p}: server CPU us`, digits: 1, ratio: true },
  { key: `${p}_redis_cpu_us`, label: `${p}: redis-server CPU us`, digits: 1, ratio: true },
  { key: `${p}_diff_frames`, label: `${p}: diff frames to watchers`, digits: 2 },
  { key: `${p}_diff_bytes`, label: `${p}: diff bytes to watchers`, digits: 0 },
  { key: `${p}_p50_us`, label: `${p}: ack latency p50 us`, digits: 0, ratio: true },
  { key: `${p}_p99_us`, label: `${p}: ack latency p99 us`, digits: 0, ratio: true },
];

export const metrics: readonly Metric[] = [
  ...perOp('join'),
  ...perOp('leave'),
  { key: 'heap_b_per_member', label: 'JS heap per member, B', digits: 0, ratio: true },
  { key: 'rss_b_per_member', label: 'RSS per member, B', digits: 0, ratio: true },
  { key: 'redis_b_per_member', label: 'Redis used_memory per member, B', digits: 0, ratio: true },
  { key: 'heap_kept_b_per_member', label: 'JS heap kept after all left, B per member', digits: 0 },
  { key: 'rss_mib_joined', label: 'server RSS with every member in, MiB', digits: 1 },
  { key: 'join_per_s', label: 'joins/s achieved', digits: 0 },
  { key: 'leave_per_s', label: 'leaves/s achieved', digits: 0 },
  { key: 'connect_s', label: 'connect every member, s (not measured)', digits: 1 },
  { key: 'diff_count_after_joins', label: 'last diff count read after the joins', digits: 0 },
  { key: 'list_diffs', label: 'list diffs read (both phases)', digits: 0 },
  { key: 'count_diffs', label: 'counts-only diffs read', digits: 0 },
  { key: 'reset_diffs', label: 'reset diffs read', digits: 0 },
  { key: 'join_refused', label: 'joins refused', digits: 0 },
  { key: 'leave_refused', label: 'leaves refused', digits: 0 },
  { key: 'join_unanswered', label: 'joins unanswered', digits: 0 },
  { key: 'wrong_counts', label: 'wrong connection / presence counts', digits: 0 },
  { key: 'errors', label: 'error frames / unexpected closes', digits: 0 },
];

export type Summaries = Record<string, Record<string, Summary | undefined>>;

export function summarizeRuns(
  variants: readonly { readonly id: string }[],
  runs: readonly VariantRecord[],
): Summaries {
  const out: Summaries = {};
  for (const v of variants) {
    const mine = runs.filter((r) => r.variant === v.id && r.figures !== undefined);
    const keys = new Set<string>();
    for (const r of mine) for (const k of Object.keys(r.figures!)) keys.add(k);
    const row: Record<string, Summary | undefined> = {};
    for (const k of keys) row[k] = summarize(mine.map((r) => r.figures![k] ?? Number.NaN));
    out[v.id] = row;
  }
  return out;
}

export function variantLabel(v: Variant): string {
  if (!v.presence) return 'baseline: no presence';
  if (v.watchers === 0) return 'presence, diffs off';
  return `presence, diffs on (${v.watchers.toLocaleString('en-US')} watching)`;
}

export function fmt(v: number | undefined, digits: number): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 10_000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(digits);
}

export function cell(s: Summary | undefined, digits: number): string {
  if (!s) return 'n/a';
  if (s.samples.length === 1 || s.min === s.max) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}-${fmt(s.max, digits)})`;
}

/** The median of `key` for a variant over the baseline's, or undefined. */
export function ratio(s: Summaries, id: string, key: string): number | undefined {
  const a = s[id]?.[key]?.median;
  const b = s.baseline?.[key]?.median;
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

function figuresTable(variants: readonly Variant[], s: Summaries): string[] {
  const on = variants.filter((v) => v.presence);
  const header = ['figure', ...variants.map(variantLabel), ...on.map((v) => `${v.id} / baseline`)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const m of metrics) {
    if (!variants.some((v) => s[v.id]?.[m.key] !== undefined)) continue;
    const row = [m.label, ...variants.map((v) => cell(s[v.id]?.[m.key], m.digits))];
    for (const v of on) row.push(m.ratio ? `${fmt(ratio(s, v.id, m.key), 2)}x` : '');
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines;
}

/** Below this many calls per operation in every variant, a command is summed into "other". */
const minorCalls = 0.01;

/** A column of a results table: a variant's id and its heading. */
export interface Column {
  readonly id: string;
  readonly label: string;
}

/** Redis calls per operation by command, one row per command and phase, one column a variant. */
export function commandsTable(
  s: Summaries,
  columns: readonly Column[],
  phases: readonly string[],
): string[] {
  const keys = new Set<string>();
  for (const v of columns)
    for (const k of Object.keys(s[v.id] ?? {})) if (k.includes('_cmd_')) keys.add(k);
  const header = ['phase: command', ...columns.map((c) => c.label)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  const calls = (v: Column, k: string): number => s[v.id]?.[k]?.median ?? 0;
  for (const phase of phases) {
    const mine = [...keys].filter((k) => k.startsWith(`${phase}_cmd_`)).sort();
    const major = mine.filter((k) => columns.some((v) => calls(v, k) >= minorCalls));
    const minor = mine.filter((k) => !major.includes(k));
    for (const k of major) {
      const label = `${phase}: ${k.slice(phase.length + 5).toUpperCase()}`;
      lines.push(`| ${[label, ...columns.map((v) => fmt(calls(v, k), 3))].join(' | ')} |`);
    }
    const other = columns.map((v) =>
      fmt(
        minor.reduce((sum, k) => sum + calls(v, k), 0),
        3,
      ),
    );
    const names = minor.map((k) => k.slice(phase.length + 5).toUpperCase()).join(', ');
    if (minor.length > 0) lines.push(`| ${phase}: other (${names}) | ${other.join(' | ')} |`);
  }
  return lines;
}

/** The line under a report's title: when, how long, where, the load, the versions, the figures. */
export function runLine(meta: RunMeta, figures: string): string {
  const load = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  return `${meta.startedAt}, ${meta.durationS.toFixed(0)} s; Node ${meta.node}; ${meta.cpus}; load average before ${load(meta.loadBefore)}, after ${load(meta.loadAfter)}. Redis ${meta.versions.redis ?? '?'}, ioredis ${meta.versions.ioredis ?? '?'}. Medians of ${meta.reps} interleaved repetitions, (min-max) in brackets; figures ${figures}.`;
}

/**
 * The rows of a table of repetitions: `row` of each run's figures, or its error across
 * `columns` cells (the rep and variant columns included).
 */
export function repRows(
  runs: readonly VariantRecord[],
  o: { readonly name: (id: string) => string; readonly columns: number },
  row: (figures: Figures, prefix: string) => string,
): string[] {
  return runs.map((r) => {
    const prefix = `| ${r.rep + 1} | ${o.name(r.variant)} |`;
    if (r.figures) return row(r.figures, prefix);
    const error = (r.error ?? '').split('\n')[0]!.slice(0, 200);
    return `${prefix} error: ${error} |${' |'.repeat(Math.max(0, o.columns - 3))}`;
  });
}

function repsTable(variants: readonly Variant[], runs: readonly VariantRecord[]): string[] {
  const name = (id: string): string => {
    const v = variants.find((x) => x.id === id);
    return v ? variantLabel(v) : id;
  };
  return [
    '| rep | variant | join: server CPU us | leave: server CPU us | join: Redis calls | leave: Redis calls | heap B / member |',
    '|---|---|---|---|---|---|---|',
    ...repRows(
      runs,
      { name, columns: 7 },
      (f, prefix) =>
        `${prefix} ${fmt(f.join_cpu_us, 1)} | ${fmt(f.leave_cpu_us, 1)} | ${fmt(f.join_redis_cmds, 2)} | ${fmt(f.leave_redis_cmds, 2)} | ${fmt(f.heap_b_per_member, 0)} |`,
    ),
  ];
}

export function toMarkdown(
  meta: RunMeta,
  description: string,
  variants: readonly Variant[],
  runs: readonly VariantRecord[],
): string {
  const s = summarizeRuns(variants, runs);
  return [
    `# Presence benchmark results (${meta.mode})`,
    '',
    runLine(meta, 'per join, per leave, per member'),
    '',
    description,
    '',
    '## Per join, per leave, per member',
    '',
    ...figuresTable(variants, s),
    '',
    '## Redis calls per join / leave, by command (medians; INFO commandstats, scripts included)',
    '',
    ...commandsTable(
      s,
      variants.map((v) => ({ id: v.id, label: variantLabel(v) })),
      ['join', 'leave'],
    ),
    '',
    '## Each repetition',
    '',
    ...repsTable(variants, runs),
    '',
    ...(meta.harnessErrors.length > 0
      ? [
          '## Harness errors',
          '',
          ...meta.harnessErrors.map((e) => `- ${e.split('\n')[0]!.slice(0, 400)}`),
          '',
        ]
      : []),
  ].join('\n');
}
