/**
 * Bundles the server entries once per run (esbuild, workspace packages from source through the
 * `@ws/source` condition; third-party libraries stay external and load from bench's
 * node_modules), so each spawned server starts as plain Node in about 100 ms instead of paying
 * the TypeScript loader on every start.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const serverEntries = {
  ours: 'ours',
  raw: 'rawWs',
  sio: 'socketio',
} as const;

/**
 * Builds `dist/<name>.mjs` for every server entry, and for each of `extra` (more entry files,
 * absolute paths, bundled beside them under their base name); returns the output directory.
 */
export async function buildServers(extra: readonly string[] = []): Promise<string> {
  const srcDir = fileURLToPath(new URL('./servers/', import.meta.url));
  const outDir = fileURLToPath(new URL('../dist/', import.meta.url));
  await build({
    entryPoints: [...Object.values(serverEntries).map((name) => `${srcDir}${name}.ts`), ...extra],
    outdir: outDir,
    entryNames: '[name]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    conditions: ['@ws/source'],
    external: [
      'ws',
      'socket.io',
      'socket.io-client',
      'ioredis',
      '@socket.io/redis-adapter',
      '@socket.io/redis-emitter',
    ],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    sourcemap: 'linked',
    logLevel: 'error',
  });
  return outDir;
}
