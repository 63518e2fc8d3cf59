/** The Markdown of `bench:http-transport`: medians per transport and mode, and HTTP / WebSocket. */
import type { RunMeta } from '../report.js';
import { summarize } from '../stats.js';
import type { Mode, PhaseFigures, Sizes, Transport } from './plan.js';
import { describeRun, modes, transports } from './plan.js';

const fmt = (v: number | undefined, digits: number): string =>
  v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);

function of(
  phases: readonly PhaseFigures[],
  t: Transport,
  m: Mode,
  key: keyof PhaseFigures,
): ReturnType<typeof summarize> {
  return summarize(
    phases.filter((p) => p.transport === t && p.mode === m).map((p) => Number(p[key])),
  );
}

/** The ratio of medians HTTP / WebSocket of server CPU per delivered message, per mode. */
export function ratios(phases: readonly PhaseFigures[]): Record<Mode, number | undefined> {
  const r = (m: Mode): number | undefined => {
    const http = of(phases, 'http', m, 'cpuUsPerDelivered')?.median;
    const ws = of(phases, 'websocket', m, 'cpuUsPerDelivered')?.median;
    return http === undefined || ws === undefined ? undefined : http / ws;
  };
  return { paced: r('paced'), burst: r('burst') };
}

export function toMarkdown(meta: RunMeta, sizes: Sizes, phases: readonly PhaseFigures[]): string {
  const range = (s: ReturnType<typeof summarize>, d: number): string =>
    s === undefined ? 'n/a' : `${fmt(s.median, d)} (${fmt(s.min, d)}-${fmt(s.max, d)})`;
  const r = ratios(phases);
  const lines = [
    '# HTTP transport benchmark results',
    '',
    `${meta.mode} run, ${meta.startedAt}, ${meta.durationS.toFixed(0)} s; Node ${meta.node}; ${meta.cpus}; load ${meta.loadBefore.map((x) => x.toFixed(2)).join(' ')} -> ${meta.loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
    '',
    describeRun(sizes),
    '',
    '| mode | transport | server CPU us / delivered message | delivered / expected | lost | duplicates | wall ms |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const m of modes)
    for (const t of transports) {
      const delivered = of(phases, t, m, 'delivered')?.median;
      const expected = of(phases, t, m, 'expected')?.median;
      lines.push(
        `| ${m} | ${t} | ${range(of(phases, t, m, 'cpuUsPerDelivered'), 2)} | ${fmt(delivered, 0)} / ${fmt(expected, 0)} | ${range(of(phases, t, m, 'lost'), 0)} | ${range(of(phases, t, m, 'duplicates'), 0)} | ${range(of(phases, t, m, 'wallMs'), 0)} |`,
      );
    }
  lines.push(
    '',
    `HTTP / WebSocket, server CPU per delivered message (ratio of medians): paced ${fmt(r.paced, 2)}x, burst ${fmt(r.burst, 2)}x.`,
    '',
  );
  if (meta.harnessErrors.length > 0)
    lines.push(
      'Harness errors:',
      '',
      ...meta.harnessErrors.map((e) => `- ${e.split('\n')[0]}`),
      '',
    );
  return lines.join('\n');
}
