import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles the chat page's script (`web/app.ts` with `@ws/client` and its MessagePack codec) for
 * browsers, in memory, with esbuild: no build step before `pnpm demo`, no CDN. The `@ws/source`
 * condition makes workspace packages resolve to their sources (a published install resolves
 * their `dist` through the normal `import` condition instead).
 */
export async function buildWebBundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./web/app.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    conditions: ['@ws/source'],
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output for the chat page');
  return file.text;
}
