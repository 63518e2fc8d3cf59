#!/usr/bin/env node
// Checks the published shape of every public package under packages/*:
//   1. `publint --strict` on the package dir (packed with pnpm, so publishConfig applies);
//   2. `pnpm pack` into a temp dir; the packed package.json must not say `workspace:` nor export
//      the `@ws/source` development condition (publishConfig.exports drops it);
//   3. `attw <tgz>` (Are the Types Wrong) on that tarball. Not `attw --pack`: it runs `npm pack`,
//      which leaves `workspace:` ranges in place.
// Needs `dist/` (run `pnpm build` first).
//
// Usage: node scripts/check-packages.mjs [package-dir-or-name ...]
//   With no argument: every public package, or only the current one when run from a package dir.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

/** @param {string} dir */
function readManifest(dir) {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

function allPackageDirs() {
  const base = path.join(ROOT, 'packages');
  return readdirSync(base)
    .sort()
    .map((name) => path.join(base, name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')));
}

/** @param {string[]} args */
function selectPackages(args) {
  const dirs = allPackageDirs();
  if (args.length === 0) {
    const cwd = process.cwd();
    const here = dirs.find((dir) => path.relative(dir, cwd) === '');
    return here ? [here] : dirs;
  }
  return args.map((arg) => {
    const byName = dirs.find((dir) => readManifest(dir).name === arg);
    const dir = byName ?? path.resolve(arg);
    if (!existsSync(path.join(dir, 'package.json'))) {
      throw new Error(`not a package (dir or name): ${arg}`);
    }
    return dir;
  });
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, capture?: boolean }} opts
 */
function run(cmd, args, { cwd, capture = false }) {
  const res = spawnSync(cmd, args, {
    cwd,
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
  });
  if (res.error) throw res.error;
  return res;
}

/** @param {string} dir @returns {boolean} */
function checkPackage(dir) {
  const pkg = readManifest(dir);
  const rel = path.relative(ROOT, dir);
  const started = performance.now();
  console.log(`\n=== ${pkg.name}@${pkg.version} (${rel})`);

  if (!existsSync(path.join(dir, 'dist'))) {
    console.error(`${rel}/dist is missing: run \`pnpm build\` first.`);
    return false;
  }
  let ok = true;

  console.log(`--- publint --strict`);
  ok =
    run(path.join(BIN, 'publint'), ['run', dir, '--strict', '--pack', 'pnpm'], { cwd: dir })
      .status === 0 && ok;

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ws-check-package-'));
  try {
    console.log(`--- pnpm pack`);
    const pack = run('pnpm', ['pack', '--pack-destination', tmp], { cwd: dir, capture: true });
    const tgzName = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (pack.status !== 0 || !tgzName) {
      console.error(pack.stdout, pack.stderr);
      console.error('pnpm pack failed');
      return false;
    }
    const tgz = path.join(tmp, tgzName);
    console.log(tgz);

    const packed = run('tar', ['-xzOf', tgz, 'package/package.json'], { cwd: tmp, capture: true });
    if (packed.status !== 0) {
      console.error(packed.stderr);
      ok = false;
    } else if (packed.stdout.includes('workspace:')) {
      console.error('the packed package.json still contains a `workspace:` range');
      ok = false;
    } else if (packed.stdout.includes('@ws/source')) {
      // The development condition points at src/, which is not shipped: publishConfig.exports
      // must replace the exports map without it.
      console.error('the packed package.json still exports the @ws/source condition');
      ok = false;
    }

    // Subpath exports need typesVersions for node10 resolution; without it, check node16+ only.
    const hasSubpaths =
      typeof pkg.exports === 'object' &&
      Object.keys(pkg.exports).some((k) => k.startsWith('./') && k !== './package.json');
    const attwArgs = [tgz, '--format', 'ascii'];
    if (hasSubpaths && !pkg.typesVersions) attwArgs.push('--profile', 'node16');
    console.log(`--- attw ${attwArgs.slice(1).join(' ')}`);
    ok = run(path.join(BIN, 'attw'), attwArgs, { cwd: tmp }).status === 0 && ok;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`=== ${pkg.name}: ${ok ? 'ok' : 'FAILED'} (${secs} s)`);
  return ok;
}

const started = performance.now();
const selected = selectPackages(process.argv.slice(2)).filter((dir) => {
  const pkg = readManifest(dir);
  if (pkg.private) console.log(`skip ${pkg.name} (private)`);
  return !pkg.private;
});
const failed = selected.filter((dir) => !checkPackage(dir));
const secs = ((performance.now() - started) / 1000).toFixed(1);
if (failed.length > 0) {
  console.error(
    `\ncheck:packages FAILED for ${failed.map((d) => path.relative(ROOT, d)).join(', ')} (${secs} s)`,
  );
  process.exit(1);
}
console.log(`\ncheck:packages: ${selected.length} package(s) ok (${secs} s)`);
