/**
 * The published entries of every package (`exports` targets with an `@ws/source` condition) and a
 * TypeScript program over their sources, for the tests that read the public surface.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './sources.js';

/** One published entry point: its import specifier and its source file. */
export interface Entry {
  readonly key: string;
  readonly file: string;
}

/** Every published entry of every non-private package under `packages/`, in name order. */
export function publicEntries(): Entry[] {
  const entries: Entry[] = [];
  const dir = path.join(ROOT, 'packages');
  for (const name of readdirSync(dir).sort()) {
    const manifest = JSON.parse(readFileSync(path.join(dir, name, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
      exports: Record<string, string | Record<string, unknown>>;
    };
    if (manifest.private === true) continue;
    for (const [sub, target] of Object.entries(manifest.exports)) {
      if (typeof target !== 'object') continue;
      const source = target['@ws/source'];
      if (typeof source !== 'string') continue;
      const key = sub === '.' ? manifest.name : `${manifest.name}/${sub.slice(2)}`;
      entries.push({ key, file: path.join(dir, name, source) });
    }
  }
  return entries;
}

/** A type-checked program over the entries' sources, resolving workspace imports to source. */
export function surfaceProgram(entries: readonly Entry[]): ts.Program {
  return ts.createProgram(
    entries.map((e) => e.file),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ['@ws/source'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
  );
}

/** The exported symbols of one entry, aliases resolved, in name order. */
export function exportedSymbols(
  program: ts.Program,
  entry: Entry,
): { readonly name: string; readonly symbol: ts.Symbol }[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry.file);
  if (!source) throw new Error(`cannot read ${entry.file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry.file} is not a module`);
  return [...checker.getExportsOfModule(moduleSymbol)]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => ({
      name: s.name,
      symbol: s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s,
    }));
}
