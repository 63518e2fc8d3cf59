/** Turns the runs into medians, ratios, target checks, and the Markdown/JSON results. */
import type { ServerKind } from './child.js';
import type { Figures } from './scenarios.js';
import type { Summary } from './stats.js';
import { summarize } from './stats.js';

export interface MetricDef {
  readonly key: string;
  readonly label: string;
  /** Whether a ratio to the baselines is shown for this metric. */
  readonly ratio?: boolean;
  readonly digits?: number;
  /** Shown in the one summary table at the top of the results. */
  readonly headline?: boolean;
}

export interface TargetDef {
  readonly name: string;
  readonly metric: string;
  /** Against which server the ratio is taken ('abs' compares the value itself). */
  readonly against: 'raw' | 'sio' | 'abs';
  /** `max`: ratio (or value, or difference) must be at most `limit`; `min`: at least. */
  readonly kind: 'max' | 'min' | 'maxDiff';
  readonly limit: number;
  /** Which server the check applies to (default ours). */
  readonly server?: ServerKind;
}

export interface RunRecord {
  readonly scenario: string;
  readonly server: ServerKind;
  readonly rep: number;
  readonly figures?: Figures;
  readonly error?: string;
}

export interface TargetResult {
  readonly name: string;
  readonly value: number | undefined;
  readonly limit: string;
  readonly met: boolean | undefined;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly servers: readonly ServerKind[];
  readonly labels: Readonly<Record<ServerKind, string>>;
  readonly metrics: readonly MetricDef[];
  /** Repetitions run (per server). */
  readonly reps: number;
  readonly summary: Partial<Record<ServerKind, Record<string, Summary | undefined>>>;
  readonly unavailable: Partial<Record<ServerKind, string>>;
  readonly ratios: Record<string, { vsRaw?: number; vsSio?: number }>;
  readonly targets: readonly TargetResult[];
}

export interface ScenarioMeta {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly servers: readonly ServerKind[];
  readonly labels: Readonly<Record<ServerKind, string>>;
  readonly metrics: readonly MetricDef[];
  readonly targets: readonly TargetDef[];
}

function median(s: Summary | undefined): number | undefined {
  return s?.median;
}

export function summarizeScenario(meta: ScenarioMeta, runs: readonly RunRecord[]): ScenarioResult {
  const summary: Partial<Record<ServerKind, Record<string, Summary | undefined>>> = {};
  const unavailable: Partial<Record<ServerKind, string>> = {};
  for (const server of meta.servers) {
    const mine = runs.filter((r) => r.scenario === meta.id && r.server === server);
    const ok = mine.filter((r) => r.figures !== undefined);
    if (ok.length === 0) {
      const err = mine.find((r) => r.error !== undefined)?.error;
      unavailable[server] = err ?? 'not run';
      continue;
    }
    const keys = new Set<string>();
    for (const r of ok) for (const k of Object.keys(r.figures!)) keys.add(k);
    const row: Record<string, Summary | undefined> = {};
    for (const k of keys) row[k] = summarize(ok.map((r) => r.figures![k] ?? Number.NaN));
    summary[server] = row;
  }
  const ratios: Record<string, { vsRaw?: number; vsSio?: number }> = {};
  for (const m of meta.metrics) {
    if (!m.ratio) continue;
    const ours = median(summary.ours?.[m.key]);
    const raw = median(summary.raw?.[m.key]);
    const sio = median(summary.sio?.[m.key]);
    const entry: { vsRaw?: number; vsSio?: number } = {};
    if (ours !== undefined && raw !== undefined && raw !== 0) entry.vsRaw = ours / raw;
    if (ours !== undefined && sio !== undefined && sio !== 0) entry.vsSio = ours / sio;
    ratios[m.key] = entry;
  }
  const targets = meta.targets.map((t): TargetResult => {
    const server = t.server ?? 'ours';
    const value = median(summary[server]?.[t.metric]);
    const base = t.against === 'abs' ? undefined : median(summary[t.against]?.[t.metric]);
    let shown: number | undefined;
    if (value === undefined) shown = undefined;
    else if (t.against === 'abs') shown = value;
    else if (base === undefined) shown = undefined;
    else if (t.kind === 'maxDiff') shown = value - base;
    else shown = base === 0 ? undefined : value / base;
    const met =
      shown === undefined ? undefined : t.kind === 'min' ? shown >= t.limit : shown <= t.limit;
    const unit = t.kind === 'maxDiff' ? '' : t.against === 'abs' ? '' : 'x';
    const op = t.kind === 'min' ? '>=' : '<=';
    const what =
      t.against === 'abs' ? '' : t.kind === 'maxDiff' ? ` - ${t.against}` : ` / ${t.against}`;
    return { name: t.name, value: shown, limit: `${server}${what} ${op} ${t.limit}${unit}`, met };
  });
  return {
    id: meta.id,
    title: meta.title,
    description: meta.description,
    servers: meta.servers,
    labels: meta.labels,
    metrics: meta.metrics,
    reps: runs.filter((r) => r.scenario === meta.id).reduce((n, r) => Math.max(n, r.rep + 1), 0),
    summary,
    unavailable,
    ratios,
    targets,
  };
}

function fmt(v: number | undefined, digits = 1): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 10_000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(digits);
}

function cell(s: Summary | undefined, digits: number): string {
  if (!s) return 'n/a';
  if (s.samples.length === 1 || s.min === s.max) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}-${fmt(s.max, digits)})`;
}

export interface RunMeta {
  readonly mode: 'full' | 'quick';
  readonly startedAt: string;
  readonly durationS: number;
  readonly node: string;
  readonly cpus: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly versions: Readonly<Record<string, string>>;
  readonly reps: number;
  readonly harnessErrors: readonly string[];
}

export function toMarkdown(meta: RunMeta, results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  lines.push(`# Benchmark results (${meta.mode})`);
  lines.push('');
  lines.push(
    `${meta.startedAt}, ${meta.durationS.toFixed(0)} s; Node ${meta.node}; ${meta.cpus}; load average before ${meta.loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${meta.loadAfter.map((x) => x.toFixed(2)).join(' ')}.`,
  );
  lines.push(
    `Versions: ${Object.entries(meta.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}. Medians of interleaved repetitions (how many: per scenario below), (min-max) in brackets.`,
  );
  lines.push('');
  lines.push('## Summary');
  lines.push('');
  lines.push('| scenario | figure | ours | raw ws | Socket.IO | ours / raw | ours / Socket.IO |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const m of r.metrics) {
      if (!m.headline) continue;
      const v = (k: ServerKind): string =>
        !r.servers.includes(k)
          ? '-'
          : r.unavailable[k]
            ? 'not available'
            : cell(r.summary[k]?.[m.key], m.digits ?? 1);
      const ratio = r.ratios[m.key];
      lines.push(
        `| ${r.title} | ${m.label} | ${v('ours')} | ${v('raw')} | ${v('sio')} | ${ratio?.vsRaw === undefined ? '-' : `${fmt(ratio.vsRaw, 2)}x`} | ${ratio?.vsSio === undefined ? '-' : `${fmt(ratio.vsSio, 2)}x`} |`,
      );
    }
  }
  lines.push('');
  lines.push('## Targets');
  lines.push('');
  lines.push('| scenario | target | value | met |');
  lines.push('|---|---|---|---|');
  for (const r of results) {
    for (const t of r.targets) {
      const mark = t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO';
      lines.push(`| ${r.title} | ${t.name} (${t.limit}) | ${fmt(t.value, 2)} | ${mark} |`);
    }
  }
  lines.push('');
  for (const r of results) {
    lines.push(`## ${r.title}`);
    lines.push('');
    lines.push(`${r.description} Repetitions: ${r.reps}.`);
    lines.push('');
    const hasRaw = r.servers.includes('raw');
    const hasSio = r.servers.includes('sio');
    const header = ['metric', ...r.servers.map((s) => r.labels[s])];
    if (hasRaw) header.push('ours / raw');
    if (hasSio) header.push('ours / Socket.IO');
    lines.push(`| ${header.join(' | ')} |`);
    lines.push(`|${header.map(() => '---').join('|')}|`);
    for (const m of r.metrics) {
      const anyValue = r.servers.some((s) => r.summary[s]?.[m.key] !== undefined);
      if (!anyValue) continue;
      const row = [
        m.label,
        ...r.servers.map((s) =>
          r.unavailable[s] ? 'not available' : cell(r.summary[s]?.[m.key], m.digits ?? 1),
        ),
      ];
      if (hasRaw) row.push(m.ratio ? `${fmt(r.ratios[m.key]?.vsRaw, 2)}x` : '');
      if (hasSio) row.push(m.ratio ? `${fmt(r.ratios[m.key]?.vsSio, 2)}x` : '');
      lines.push(`| ${row.join(' | ')} |`);
    }
    for (const s of r.servers) {
      const why = r.unavailable[s];
      if (why)
        lines.push(`\n**${r.labels[s]}: not available** (${why.split('\n')[0]!.slice(0, 300)})`);
    }
    lines.push('');
  }
  if (meta.harnessErrors.length > 0) {
    lines.push('## Harness errors');
    lines.push('');
    for (const e of meta.harnessErrors) lines.push(`- ${e.split('\n')[0]!.slice(0, 400)}`);
    lines.push('');
  }
  return lines.join('\n');
}
