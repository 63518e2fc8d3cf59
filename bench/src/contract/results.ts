/**
 * How the contract benchmark reports: per variant and mode, the medians (min-max) of CPU and
 * wall time per operation over the repetitions, each checked variant's ratio to its baseline
 * from the same run and the microseconds it adds; each repetition. Summaries and cells are the
 * presence benchmark's (`presence/results.ts`).
 */
import type { Summaries } from '../presence/results.js';
import { cell, fmt, repRows, summarizeRuns } from '../presence/results.js';
import type { VariantRecord } from '../repetitions.js';
import type { RunMeta } from '../report.js';
import { variantLabel, variants } from './plan.js';

const median = (s: Summaries, id: string, key: string): number | undefined => s[id]?.[key]?.median;

function figuresTable(s: Summaries): string[] {
  const header = [
    'variant',
    'burst: CPU us / op',
    'burst: ratio',
    'burst: added us',
    'paced: CPU us / op',
    'paced: ratio',
    'paced: added us',
    'burst / paced wall us / op',
    'failures',
  ];
  const out = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const v of variants) {
    const row = [variantLabel(v)];
    for (const mode of ['burst', 'paced']) {
      const key = `${mode}_cpu_us`;
      const mine = median(s, v.id, key);
      const base = v.against === undefined ? undefined : median(s, v.against, key);
      row.push(cell(s[v.id]?.[key], 2));
      if (base === undefined || mine === undefined) row.push('baseline', '');
      else row.push(`${fmt(mine / base, 2)}x`, `${mine >= base ? '+' : ''}${fmt(mine - base, 2)}`);
    }
    row.push(
      `${fmt(median(s, v.id, 'burst_wall_us'), 2)} / ${fmt(median(s, v.id, 'paced_wall_us'), 2)}`,
    );
    const failures =
      (median(s, v.id, 'burst_failures') ?? 0) + (median(s, v.id, 'paced_failures') ?? 0);
    row.push(fmt(failures, 0));
    out.push(`| ${row.join(' | ')} |`);
  }
  return out;
}

function repetitions(runs: readonly VariantRecord[]): string[] {
  const labels = new Map<string, string>(variants.map((v) => [v.id, variantLabel(v)]));
  const name = (id: string): string => labels.get(id) ?? id;
  return [
    '| rep | variant | burst CPU us / op | paced CPU us / op | burst wall us / op | paced wall us / op |',
    '|---|---|---|---|---|---|',
    ...repRows(
      runs,
      { name, columns: 6 },
      (f, prefix) =>
        `${prefix} ${fmt(f.burst_cpu_us, 2)} | ${fmt(f.paced_cpu_us, 2)} | ${fmt(f.burst_wall_us, 2)} | ${fmt(f.paced_wall_us, 2)} |`,
    ),
  ];
}

/** The report of a run of every variant (`variants`, in their order). */
export function toMarkdown(report: {
  readonly meta: RunMeta;
  readonly description: string;
  readonly runs: readonly VariantRecord[];
}): string {
  const { meta, description, runs } = report;
  const s = summarizeRuns(variants, runs);
  const load = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  const errors = meta.harnessErrors.map((e) => `- ${e.split('\n')[0]!.slice(0, 400)}`);
  return [
    `# Contract benchmark results (${meta.mode})`,
    '',
    `${meta.startedAt}, ${meta.durationS.toFixed(0)} s; Node ${meta.node}; ${meta.cpus}; load average before ${load(meta.loadBefore)}, after ${load(meta.loadAfter)}. zod ${meta.versions.zod ?? '?'}. Medians of ${meta.reps} interleaved repetitions, (min-max) in brackets; ratios and added us against the variant's baseline (the first of its kind), medians over medians from the same run.`,
    '',
    description,
    '',
    '## Per operation (a server send to the thread, or an inbound publish frame)',
    '',
    ...figuresTable(s),
    '',
    '## Each repetition',
    '',
    ...repetitions(runs),
    '',
    ...(errors.length > 0 ? ['## Harness errors', '', ...errors, ''] : []),
  ].join('\n');
}
