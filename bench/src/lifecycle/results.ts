/**
 * How the lifecycle benchmark reports: per connect, join, leave and disconnect, the medians
 * (min-max) of both variants over the repetitions with the lifecycle variant's ratio to the
 * baseline from the same run; the Redis calls per command; the stream checks; each repetition.
 * The summaries and cells are the presence benchmark's (`presence/results.ts`).
 */
import type { Column, Summaries } from '../presence/results.js';
import {
  cell,
  commandsTable,
  fmt,
  ratio,
  repRows,
  runLine,
  summarizeRuns,
} from '../presence/results.js';
import type { VariantRecord } from '../repetitions.js';
import type { Figures } from '../scenarios.js';
import type { RunMeta } from '../report.js';
import type { Variant } from './plan.js';
import { variants } from './plan.js';

interface Row {
  readonly key: string;
  readonly label: string;
  readonly digits: number;
  /** Shown with the ratio lifecycle / baseline. */
  readonly ratio: boolean;
}

const phases = ['connect', 'join', 'leave', 'disconnect'] as const;

function phaseRows(p: (typeof phases)[number]): Row[] {
  const row = (suffix: string, label: string, digits: number): Row => ({
    key: `${p}_${suffix}`,
    label: `${p}: ${label}`,
    digits,
    ratio: true,
  });
  const what = p === 'connect' ? 'welcome' : 'ack';
  return [
    row('cpu_us', 'server CPU us', 1),
    row('redis_cmds', 'Redis calls', 2),
    row('redis_cpu_us', 'redis-server CPU us', 1),
    ...(p === 'disconnect'
      ? []
      : [row('p50_us', `${what} latency p50 us`, 0), row('p99_us', `${what} latency p99 us`, 0)]),
    { ...row('per_s', 'achieved per s', 0), ratio: false },
  ];
}

/** A row shown without a ratio: a check or a count. */
const count = (key: string, label: string): Row => ({ key, label, digits: 0, ratio: false });

const rows: readonly Row[] = [
  ...phases.flatMap(phaseRows),
  {
    key: 'redis_kept_b_per_connection',
    label: 'Redis memory kept, B per connection',
    digits: 0,
    ratio: true,
  },
  ...[
    ['stream_expected', 'stream: events expected'],
    ['stream_length', 'stream: XLEN at the end'],
    ['stream_after_connects', 'stream: XLEN after the connects'],
    ['announced_after_connects', 'lconns: HLEN after the connects'],
    ['announced_at_end', 'lconns: HLEN at the end'],
    ['stream_mismatch', 'stream / lconns checks failed'],
    ['join_refused', 'joins refused'],
    ['join_unanswered', 'joins unanswered'],
    ['leave_unanswered', 'leaves unanswered'],
    ['disconnect_left', 'connections left after the disconnects'],
    ['errors', 'error frames / unexpected closes'],
  ].map(([key, label]) => count(key!, label!)),
];

export function variantLabel(v: Variant): string {
  return v.lifecycle ? 'lifecycle: lifecycleStream()' : 'baseline: no lifecycle';
}

function figuresTable(variants: readonly Variant[], s: Summaries): string[] {
  const header = ['per operation', ...variants.map(variantLabel), 'lifecycle / baseline'];
  const out = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const ratioCell = r.ratio ? `${fmt(ratio(s, 'lifecycle', r.key), 2)}x` : '';
    const cells = variants.map((v) => cell(s[v.id]?.[r.key], r.digits));
    out.push(`| ${[r.label, ...cells, ratioCell].join(' | ')} |`);
  }
  return out;
}

function repetitions(variants: readonly Variant[], runs: readonly VariantRecord[]): string[] {
  const name = (id: string): string => {
    const v = variants.find((x) => x.id === id);
    return v ? variantLabel(v) : id;
  };
  const per = (f: Figures, suffix: string, digits: number): string =>
    phases.map((p) => fmt(f[`${p}_${suffix}`], digits)).join(' / ');
  return [
    '| rep | variant | server CPU us: connect / join / leave / disconnect | Redis calls: connect / join / leave / disconnect | XLEN / expected |',
    '|---|---|---|---|---|',
    ...repRows(
      runs,
      { name, columns: 5 },
      (f, prefix) =>
        `${prefix} ${per(f, 'cpu_us', 1)} | ${per(f, 'redis_cmds', 2)} | ${fmt(f.stream_length, 0)} / ${fmt(f.stream_expected, 0)} |`,
    ),
  ];
}

/** The report of a run of both variants (`variants`, in their order). */
export function toMarkdown(
  meta: RunMeta,
  description: string,
  runs: readonly VariantRecord[],
): string {
  const s = summarizeRuns(variants, runs);
  const columns: Column[] = variants.map((v) => ({ id: v.id, label: variantLabel(v) }));
  const errors = meta.harnessErrors.map((e) => `- ${e.split('\n')[0]!.slice(0, 400)}`);
  return [
    `# Lifecycle stream benchmark results (${meta.mode})`,
    '',
    runLine(meta, 'per connect, join, leave, disconnect'),
    '',
    description,
    '',
    '## Per connect, join, leave, disconnect',
    '',
    ...figuresTable(variants, s),
    '',
    '## Redis calls per operation, by command (medians; INFO commandstats)',
    '',
    ...commandsTable(s, columns, phases),
    '',
    '## Each repetition',
    '',
    ...repetitions(variants, runs),
    '',
    ...(errors.length > 0 ? ['## Harness errors', '', ...errors, ''] : []),
  ].join('\n');
}
