/** The header of a results file: the machine, the load, the versions of what was compared. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import type { RunMeta } from './report.js';

/** Versions of the libraries compared (and of redis-server), for the results' header. */
export function versions(extra: readonly string[] = []): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of [
    'ws',
    'socket.io',
    'socket.io-client',
    '@socket.io/redis-adapter',
    'ioredis',
    ...extra,
  ]) {
    try {
      const pkgPath = require.resolve(`${name}/package.json`);
      out[name] = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = '?';
    }
  }
  try {
    const v = execFileSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5000 });
    out.redis = /v=(\S+)/.exec(v)?.[1] ?? '?';
  } catch {
    out.redis = 'not found';
  }
  return out;
}

/** The run's header, as of now (duration, load after). */
export function runMeta(o: {
  readonly quick: boolean;
  readonly started: number;
  readonly loadBefore: readonly number[];
  readonly reps: number;
  readonly harnessErrors: readonly string[];
  /** More packages whose versions to name. */
  readonly packages?: readonly string[];
}): RunMeta {
  return {
    mode: o.quick ? 'quick' : 'full',
    startedAt: new Date(o.started).toISOString(),
    durationS: (Date.now() - o.started) / 1000,
    node: process.versions.node,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    loadBefore: o.loadBefore,
    loadAfter: loadavg(),
    versions: versions(o.packages),
    reps: o.reps,
    harnessErrors: o.harnessErrors,
  };
}
