/**
 * The version policy (README "Versions and releases"), checked with the real `changeset version`:
 * - every non-core package that uses `@ws/core` peers on it with a `workspace:` range that holds
 *   the whole 0.x line from 0.1.0 (`workspace:>=0.1.0 <1.0.0`) and has it as a `workspace:*`
 *   devDependency, never as a dependency;
 * - a core minor (0.1.0 -> 0.2.0) or patch (0.1.0 -> 0.1.1) changes core's package.json and
 *   CHANGELOG.md only: peer dependents keep their version and their range.
 *
 * Runs on copies of the real manifests and `.changeset/config.json` in a temp dir (plus a fake
 * peer-dependent package while no real one exists), never on the working tree.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHANGESET_BIN = path.join(ROOT, 'node_modules', '.bin', 'changeset');
const CORE = '@ws/core';
/** The policy range while core is 0.x. Published by `pnpm pack` as `>=0.1.0 <1.0.0`. */
const POLICY_PEER_RANGE = 'workspace:>=0.1.0 <1.0.0';
const FAKE_PLUGIN_DIR = 'packages/fake-plugin';

interface Manifest {
  name?: string;
  version?: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Workspace-relative dirs of every package manifest (packages/*, apps/*, bench). */
function workspacePackageDirs(): string[] {
  const dirs: string[] = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = path.join(ROOT, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir).sort()) {
      if (existsSync(path.join(groupDir, name, 'package.json'))) dirs.push(`${group}/${name}`);
    }
  }
  if (existsSync(path.join(ROOT, 'bench', 'package.json'))) dirs.push('bench');
  return dirs;
}

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

const realManifests = new Map(
  workspacePackageDirs().map((dir) => [dir, readManifest(path.join(ROOT, dir, 'package.json'))]),
);
const coreEntry = [...realManifests].find(([, m]) => m.name === CORE);
const peerDependents = [...realManifests].filter(
  ([, m]) => m.name !== CORE && m.peerDependencies?.[CORE] !== undefined,
);

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=policy', '-c', 'user.email=policy@test', ...args], {
    cwd,
    stdio: 'pipe',
  });
}

/** Every file under dir (relative path -> content), skipping node_modules and .git. */
function snapshot(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      for (const [k, v] of snapshot(dir, relPath)) out.set(k, v);
    } else {
      out.set(relPath, readFileSync(path.join(dir, relPath), 'utf8'));
    }
  }
  return out;
}

/** A temp copy of the workspace's manifests and changeset config, committed to a fresh repo. */
function makeWorkspaceCopy(): string {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ws-release-policy-'));
  tempDirs.push(tmp);
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
    mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(tmp, file));
  }
  for (const dir of realManifests.keys()) {
    mkdirSync(path.join(tmp, dir), { recursive: true });
    cpSync(path.join(ROOT, dir, 'package.json'), path.join(tmp, dir, 'package.json'));
  }
  if (peerDependents.length === 0) {
    // No real plugin package yet: stand one in with the policy ranges.
    const fake: Manifest = {
      name: '@ws/fake-plugin',
      version: '0.1.0',
      peerDependencies: { [CORE]: POLICY_PEER_RANGE },
      devDependencies: { [CORE]: 'workspace:*' },
    };
    mkdirSync(path.join(tmp, FAKE_PLUGIN_DIR), { recursive: true });
    writeFileSync(
      path.join(tmp, FAKE_PLUGIN_DIR, 'package.json'),
      `${JSON.stringify(fake, null, 2)}\n`,
    );
  }
  // `changelog: "@changesets/cli/changelog"` is resolved from the temp dir. Link only that one
  // package (never the whole node_modules: nothing here may touch the real install).
  const cliTarget = realpathSync(path.join(ROOT, 'node_modules', '@changesets', 'cli'));
  mkdirSync(path.join(tmp, 'node_modules', '@changesets'), { recursive: true });
  symlinkSync(cliTarget, path.join(tmp, 'node_modules', '@changesets', 'cli'), 'dir');
  writeFileSync(path.join(tmp, '.gitignore'), 'node_modules/\n');
  git(tmp, 'init', '-q', '-b', 'main');
  git(tmp, 'add', '-A');
  git(tmp, 'commit', '-q', '-m', 'workspace manifests');
  return tmp;
}

function bump(version: string, type: 'minor' | 'patch'): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return type === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
}

function runChangesetVersion(type: 'minor' | 'patch'): {
  tmp: string;
  before: Map<string, string>;
  after: Map<string, string>;
} {
  const tmp = makeWorkspaceCopy();
  writeFileSync(
    path.join(tmp, '.changeset', 'policy-check.md'),
    `---\n"${CORE}": ${type}\n---\n\nPolicy check: a core ${type}.\n`,
  );
  const before = snapshot(tmp);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_/i.test(k)),
  );
  execFileSync(CHANGESET_BIN, ['version'], { cwd: tmp, env, stdio: 'pipe' });
  return { tmp, before, after: snapshot(tmp) };
}

function diff(
  before: Map<string, string>,
  after: Map<string, string>,
): { changed: string[]; added: string[]; removed: string[] } {
  return {
    changed: [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)),
    added: [...after.keys()].filter((k) => !before.has(k)),
    removed: [...before.keys()].filter((k) => !after.has(k)),
  };
}

describe('release policy', () => {
  it('the changeset config is the one the policy relies on', () => {
    const config = JSON.parse(readFileSync(path.join(ROOT, '.changeset/config.json'), 'utf8')) as {
      baseBranch: string;
      fixed: unknown[];
      linked: unknown[];
      updateInternalDependencies: string;
      ___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH?: {
        onlyUpdatePeerDependentsWhenOutOfRange?: boolean;
      };
    };
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
    expect(config.updateInternalDependencies).toBe('patch');
    expect(
      config.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH
        ?.onlyUpdatePeerDependentsWhenOutOfRange,
    ).toBe(true);
  });

  it('every package that uses @ws/core peers on it with the policy range', () => {
    expect(coreEntry, `${CORE} not found under packages/`).toBeDefined();
    const problems: string[] = [];
    for (const [dir, m] of realManifests) {
      if (m.name === CORE) continue;
      // A package uses core at run time when it depends or peers on it; a devDependency alone
      // (@ws/client, which speaks the wire protocol without core and checks its copy in tests)
      // is test tooling.
      const uses = m.dependencies?.[CORE] ?? m.peerDependencies?.[CORE];
      if (uses === undefined || m.private === true) continue; // apps/demo, bench compose freely
      if (m.dependencies?.[CORE] !== undefined) {
        problems.push(`${dir}: ${CORE} must be a peerDependency, not a dependency`);
      }
      if (m.peerDependencies?.[CORE] !== POLICY_PEER_RANGE) {
        problems.push(
          `${dir}: peerDependencies["${CORE}"] is ${JSON.stringify(m.peerDependencies?.[CORE])}, policy says "${POLICY_PEER_RANGE}"`,
        );
      }
      if (m.devDependencies?.[CORE] !== 'workspace:*') {
        problems.push(`${dir}: devDependencies["${CORE}"] must be "workspace:*"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(['minor', 'patch'] as const)(
    'a core %s bumps only core; peer dependents keep version and range',
    (type) => {
      const [coreDir, coreManifest] = coreEntry!;
      const oldVersion = coreManifest.version!;
      const { tmp, before, after } = runChangesetVersion(type);

      const coreAfter = readManifest(path.join(tmp, coreDir, 'package.json'));
      expect(coreAfter.version).toBe(bump(oldVersion, type));

      const { changed, added, removed } = diff(before, after);
      expect({ changed, added, removed }).toEqual({
        changed: [`${coreDir}/package.json`],
        added: [`${coreDir}/CHANGELOG.md`],
        removed: ['.changeset/policy-check.md'],
      });
      // Spelled out, although "nothing else changed" above already implies it.
      const dependents =
        peerDependents.length > 0 ? peerDependents.map(([dir]) => dir) : [FAKE_PLUGIN_DIR];
      for (const dir of dependents) {
        const was = JSON.parse(before.get(`${dir}/package.json`)!) as Manifest;
        const now = readManifest(path.join(tmp, dir, 'package.json'));
        expect(now.version, dir).toBe(was.version);
        expect(now.peerDependencies?.[CORE], dir).toBe(POLICY_PEER_RANGE);
      }
    },
  );
});
