/**
 * How the HTTP API benchmark reports: its metrics and targets for `report.ts` (one "server",
 * ours, whose figures are per repetition; medians with min-max over the repetitions), and the
 * table of each repetition's added latency and ratio appended to the Markdown.
 */
import type { MetricDef, RunRecord, ScenarioMeta, TargetDef } from '../report.js';
import type { Sizes } from './plan.js';

/** The target: added p99 at most this many times the bare round trip's p99. */
export const ratioLimit = 1.5;

const metrics: readonly MetricDef[] = [
  { key: 'http_p50_us', label: 'HTTP publish: delivery p50 us', digits: 0, headline: true },
  { key: 'http_p99_us', label: 'HTTP publish: delivery p99 us', digits: 0, headline: true },
  { key: 'inproc_p50_us', label: 'in-process publish: delivery p50 us', digits: 0, headline: true },
  { key: 'inproc_p99_us', label: 'in-process publish: delivery p99 us', digits: 0, headline: true },
  { key: 'bare_p50_us', label: 'bare no-op: round trip p50 us', digits: 0, headline: true },
  { key: 'bare_p99_us', label: 'bare no-op: round trip p99 us', digits: 0, headline: true },
  { key: 'added_p50_us', label: 'added by HTTP: delivery p50 us', digits: 0, headline: true },
  { key: 'added_p99_us', label: 'added by HTTP: delivery p99 us', digits: 0, headline: true },
  {
    key: 'added_p99_over_bare_p99',
    label: 'added p99 / bare round trip p99',
    digits: 2,
    headline: true,
  },
  { key: 'http_rtt_p50_us', label: 'HTTP publish: round trip p50 us', digits: 0 },
  { key: 'http_rtt_p99_us', label: 'HTTP publish: round trip p99 us', digits: 0 },
  { key: 'http_max_us', label: 'HTTP publish: delivery max us', digits: 0 },
  { key: 'inproc_max_us', label: 'in-process publish: delivery max us', digits: 0 },
  {
    key: 'inproc_min_us',
    label: 'in-process publish: delivery min us (clock check: > 0)',
    digits: 0,
  },
  { key: 'http_cpu_us', label: 'server CPU us per HTTP publish', digits: 1 },
  { key: 'inproc_cpu_us', label: 'server CPU us per in-process publish', digits: 1 },
  { key: 'bare_cpu_us', label: 'server CPU us per bare request', digits: 1 },
  { key: 'http_per_s', label: 'HTTP publish: requests/s achieved', digits: 0 },
  { key: 'inproc_per_s', label: 'in-process: publishes/s achieved', digits: 0 },
  { key: 'bare_per_s', label: 'bare: requests/s achieved', digits: 0 },
  { key: 'lost', label: 'lost messages (HTTP + in-process)', digits: 0, headline: true },
  { key: 'non200', label: 'HTTP publish answers other than 200', digits: 0, headline: true },
  { key: 'duplicates', label: 'duplicates', digits: 0 },
  { key: 'misdelivered', label: 'stray messages (outside the phase)', digits: 0 },
  { key: 'errors', label: 'error frames / unexpected closes (receiving client)', digits: 0 },
  { key: 'failed', label: 'failed requests / sends, bare answers other than 204', digits: 0 },
];

const targets: readonly TargetDef[] = [
  {
    name: 'added p99 / bare round trip p99 (median of the per-repetition ratios)',
    metric: 'added_p99_over_bare_p99',
    against: 'abs',
    kind: 'max',
    limit: ratioLimit,
  },
  { name: 'lost messages', metric: 'lost', against: 'abs', kind: 'max', limit: 0 },
  { name: 'non-200 answers', metric: 'non200', against: 'abs', kind: 'max', limit: 0 },
];

/** The scenario as `report.ts` summarizes it. */
export function httpApiMeta(sizes: Sizes, receiver: 'child' | 'runner'): ScenarioMeta {
  const n = sizes.perSecond * sizes.seconds;
  return {
    id: 'http-api',
    title: `HTTP API publish at ${sizes.perSecond.toLocaleString('en-US')} requests/s`,
    description: `One server process: \`createManager\` + \`attach\` (\`@ws/protocols/ws\`) with \`apiHandler\` (\`@ws/http-api\`, defaults but the key) at \`/api\` and a bare \`POST /bare\` that reads the body and answers 204. One receiving \`ws\` client (${receiver === 'child' ? 'its own process' : 'in the runner, the process that sends the HTTP requests'}) joined to the thread. Each repetition runs, in this order, for ${sizes.seconds} s each (${n.toLocaleString('en-US')} messages): HTTP publish (\`POST /api/publish\` from the runner over a keep-alive agent), in-process publish (\`manager.sendToThread\` from a timer in the server), the bare round trip (same body and headers). Delivery latency: the client's read time minus the stamp taken when the publish started (\`process.hrtime\`, CLOCK_MONOTONIC, one clock for every process). Added = HTTP minus in-process, per repetition; ratio = added p99 / bare p99, per repetition.`,
    servers: ['ours'],
    labels: { ours: 'ours: @ws/http-api', raw: '-', sio: '-' },
    metrics,
    targets,
  };
}

const us = (v: number | undefined): string =>
  v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(0);

/** A Markdown table of each repetition's p50/p99 per scenario, added latency and ratio. */
export function perRepTable(runs: readonly RunRecord[]): string[] {
  const lines = [
    '## Each repetition (us; added = HTTP - in-process delivery)',
    '',
    '| rep | HTTP p50 / p99 | in-process p50 / p99 | bare p50 / p99 | added p50 / p99 | added p99 / bare p99 | lost | non-200 |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of runs) {
    const f = r.figures;
    if (!f) {
      lines.push(
        `| ${r.rep + 1} | error: ${(r.error ?? '').split('\n')[0]!.slice(0, 200)} | | | | | | |`,
      );
      continue;
    }
    const ratio = f.added_p99_over_bare_p99;
    const mark = ratio === undefined ? '' : ratio <= ratioLimit ? ' PASS' : ' MISS';
    lines.push(
      `| ${r.rep + 1} | ${us(f.http_p50_us)} / ${us(f.http_p99_us)} | ${us(f.inproc_p50_us)} / ${us(f.inproc_p99_us)} | ${us(f.bare_p50_us)} / ${us(f.bare_p99_us)} | ${us(f.added_p50_us)} / ${us(f.added_p99_us)} | ${ratio?.toFixed(2) ?? 'n/a'}x${mark} | ${f.lost ?? 'n/a'} | ${f.non200 ?? 'n/a'} |`,
    );
  }
  lines.push('');
  return lines;
}
