/** A tiny static server for the browser tests: one page at `/`, the built bundle under `/client/`. */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface StaticPage {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `html` at `/` and the files of `bundleDir` under `/client/` (nothing outside it). */
export async function serveBundlePage(bundleDir: string, html: string): Promise<StaticPage> {
  const web = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = path.join(
      bundleDir,
      path.normalize(url.pathname.replace(/^\/client\//, '')).replace(/^(\.\.[/\\])+/, ''),
    );
    if (!url.pathname.startsWith('/client/') || !file.startsWith(bundleDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(web.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => web.close(() => resolve())),
  };
}
