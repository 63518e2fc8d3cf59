/**
 * The HTTP API benchmark's server, a child process (bundled as `apiServer`, a name no other
 * bench entry uses): `createManager` + `attach` from `@ws/protocols/ws` on one `http` server
 * (WebSocket clients on `/ws`, `wsm.v1.json`), with `apiHandler` from `@ws/http-api` mounted at
 * `/api` (its defaults but the key, so 1,000 requests/s per key) and a bare route: `POST /bare`
 * reads the body and answers 204 with nothing, the floor of an HTTP round trip on this server.
 * The control channel (`servers/control.ts`: cpu-start / cpu-stop) adds `publish`: the
 * in-process publish, `manager.sendToThread` from a timer at the same pace as the runner's
 * requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createManager, silentLogger, threadId } from '@ws/core';
import { apiHandler } from '@ws/http-api';
import type { Command } from '../servers/control.js';
import { serveManager } from '../servers/serveManager.js';
import { stamped } from './clock.js';
import type { PaceResult } from './pace.js';
import { pace } from './pace.js';
import { apiKey, apiPath, barePath, benchThread } from './plan.js';

/** What the `publish` command answers: the pacer's figures and the sends that failed. */
interface PublishAnswer extends PaceResult {
  readonly failed: number;
  readonly firstError?: string;
}

/** The bare route: the body read to its end, then 204 and no body. */
function bare(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.once('end', () => {
    res.writeHead(204);
    res.end();
  });
}

async function main(): Promise<void> {
  const manager = createManager({
    authorizeThread: () => true,
    logger: silentLogger(),
    onError: (err, info) => process.stderr.write(`onError ${info.stage}: ${err.message}\n`),
  });
  const api = apiHandler(manager, {
    keys: [{ name: 'bench', key: apiKey, scopes: ['publish'] }],
    path: apiPath,
  });
  const server = createServer((req, res) => {
    if (api(req, res)) return;
    if (req.method === 'POST' && req.url === barePath) return bare(req, res);
    res.writeHead(404);
    res.end();
  });
  server.keepAliveTimeout = 60_000;
  const thread = threadId(benchThread);

  const publish = async (command: Command): Promise<PublishAnswer> => {
    const from = Number(command.from);
    const sends: Promise<void>[] = [];
    let failed = 0;
    let firstError: string | undefined;
    const paced = await pace(
      {
        count: Number(command.count),
        perSecond: Number(command.perSecond),
        deadlineMs: Number(command.deadlineMs),
      },
      (k) => {
        sends.push(
          manager.sendToThread(thread, stamped(from + k)).then((r) => {
            if (r.ok) return;
            failed += 1;
            firstError ??= r.error?.message ?? 'not ok';
          }),
        );
      },
    );
    await Promise.all(sends);
    return { ...paced, failed, ...(firstError === undefined ? {} : { firstError }) };
  };

  await serveManager(manager, { publish }, { server });
}

main().catch((err: unknown) => {
  process.stderr.write(`http-api bench server failed: ${String(err)}\n`);
  process.exit(1);
});
