/**
 * The control channel of a server under test: JSON lines on stdin (commands from the runner)
 * and stdout (the ready line, then one answer per command). The runner measures this process's
 * own CPU time (`process.cpuUsage()`) between `cpu-start` and `cpu-stop`, and its RSS after GC.
 * The process exits when stdin ends, so a dead runner never leaves a server behind.
 */
import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

export interface Command {
  readonly id: number;
  readonly cmd: string;
  readonly [key: string]: unknown;
}

export type Handler = (command: Command) => unknown;

/** Serves the control channel; `extra` answers server-specific commands. */
export function serveControl(
  port: number,
  close: () => Promise<void>,
  extra: Readonly<Record<string, Handler>> = {},
): void {
  // BENCH_PROFILE_DIR: a CPU profile of each measured phase (cpu-start .. cpu-stop), written
  // as <dir>/<phase>.cpuprofile, so start-up and connection set-up stay out of it.
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const session = profileDir ? new Session() : undefined;
  let phase = 0;
  if (session) {
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 200 });
  }
  const profileStart = (): void => {
    session?.post('Profiler.start');
  };
  const profileStop = (): void => {
    if (!session) return;
    phase += 1;
    const n = phase;
    session.post('Profiler.stop', (err, result) => {
      if (!err)
        writeFileSync(
          `${profileDir}/phase-${n}-pid${process.pid}.cpuprofile`,
          JSON.stringify(result.profile),
        );
    });
  };
  let cpuMark = process.cpuUsage();
  let wallMark = process.hrtime.bigint();
  const write = (value: unknown): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  const rl = createInterface({ input: process.stdin });
  const gc = (globalThis as { gc?: () => void }).gc;
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    const hardExit = setTimeout(() => process.exit(0), 3000);
    hardExit.unref();
    close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  rl.on('line', (line) => {
    let command: Command;
    try {
      command = JSON.parse(line) as Command;
    } catch {
      return;
    }
    const answer = (value: Record<string, unknown>): void => write({ id: command.id, ...value });
    try {
      switch (command.cmd) {
        case 'cpu-start':
          profileStart();
          cpuMark = process.cpuUsage();
          wallMark = process.hrtime.bigint();
          answer({ ok: true });
          return;
        case 'cpu-stop': {
          const d = process.cpuUsage(cpuMark);
          const wallUs = Number(process.hrtime.bigint() - wallMark) / 1000;
          profileStop();
          answer({ userUs: d.user, systemUs: d.system, cpuUs: d.user + d.system, wallUs });
          return;
        }
        case 'gc-rss': {
          if (gc) {
            gc();
            gc();
          }
          const m = process.memoryUsage();
          answer({ rss: m.rss, heapUsed: m.heapUsed, gc: gc !== undefined });
          return;
        }
        case 'heap-snapshot': {
          if (gc) gc();
          answer({
            file: writeHeapSnapshot(typeof command.file === 'string' ? command.file : undefined),
          });
          return;
        }
        case 'exit':
          answer({ ok: true });
          shutdown();
          return;
        default: {
          const handler = extra[command.cmd];
          if (!handler) {
            answer({ error: `unknown command ${command.cmd}` });
            return;
          }
          Promise.resolve(handler(command)).then(
            (value) => answer({ ok: true, value }),
            (err: unknown) => answer({ error: String(err) }),
          );
        }
      }
    } catch (err) {
      answer({ error: String(err) });
    }
  });
  rl.on('close', shutdown);
  process.on('SIGTERM', shutdown);
  write({ ready: true, port, pid: process.pid });
}

/** Reads a numeric setting from the environment. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? n : fallback;
}
