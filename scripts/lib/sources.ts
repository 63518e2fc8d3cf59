/** The source files the repository rules read: every non-test `.ts` file under `packages/* /src`, `apps/* /src` and `examples/* /src`. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function walk(dir: string, acc: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(full, acc);
    } else if (
      entry.isFile() &&
      /\.(ts|mts|cts)$/.test(entry.name) &&
      !/\.d\.[mc]?ts$/.test(entry.name) &&
      !/\.(test|spec|test-d|bench)\.[mc]?ts$/.test(entry.name)
    ) {
      acc.push(full);
    }
  }
  return acc;
}

/** Absolute paths of every non-test source file of `packages/*`, `apps/*` and `examples/*`, sorted. */
export function sourceFiles(): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'apps', 'examples']) {
    const groupDir = path.join(ROOT, group);
    let names: string[];
    try {
      names = readdirSync(groupDir);
    } catch {
      continue;
    }
    for (const name of names) {
      const src = path.join(groupDir, name, 'src');
      try {
        if (statSync(src).isDirectory()) walk(src, files);
      } catch {
        // a package without src/
      }
    }
  }
  return files.sort();
}
