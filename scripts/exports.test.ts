/**
 * The public surface of every published package, entry by entry: each exported name and whether
 * it is a value (exists at run time) or a type only. The list lives in `exports.snapshot.json`
 * beside this file, so a refactor that drops, renames or adds an export fails here and a change
 * to the surface is a visible diff of that file.
 *
 * After a deliberate change of the surface: `UPDATE_EXPORTS=1 npx vitest run --project repo
 * scripts/exports.test.ts` rewrites the snapshot; commit it with a changeset.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SNAPSHOT = path.join(ROOT, 'scripts', 'exports.snapshot.json');

type Surface = Record<string, Record<string, 'type' | 'value'>>;

interface Entry {
  key: string;
  file: string;
}

function publicEntries(): Entry[] {
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

function readSurface(entries: Entry[]): Surface {
  const program = ts.createProgram(
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
  const checker = program.getTypeChecker();
  const surface: Surface = {};
  for (const entry of entries) {
    const source = program.getSourceFile(entry.file);
    if (!source) throw new Error(`cannot read ${entry.file}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${entry.file} is not a module`);
    const names: Record<string, 'type' | 'value'> = {};
    const exported = checker.getExportsOfModule(moduleSymbol);
    for (const symbol of [...exported].sort((a, b) => a.name.localeCompare(b.name))) {
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      names[symbol.name] = target.flags & ts.SymbolFlags.Value ? 'value' : 'type';
    }
    surface[entry.key] = names;
  }
  return surface;
}

describe('public exports', () => {
  it('every published entry exports exactly the names in exports.snapshot.json', () => {
    const entries = publicEntries();
    expect(entries.length).toBeGreaterThanOrEqual(10);
    const surface = readSurface(entries);
    if (process.env['UPDATE_EXPORTS'] === '1') {
      writeFileSync(SNAPSHOT, `${JSON.stringify(surface, null, 2)}\n`);
    }
    const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Surface;
    expect(surface).toEqual(expected);
  });

  it('reads values and types apart (self-check on a known entry)', () => {
    const core = readSurface(publicEntries().filter((e) => e.key === '@ws/core'))['@ws/core'];
    expect(core?.['createManager']).toBe('value');
    expect(core?.['Manager']).toBe('type');
    expect(core?.['CloseCode']).toBe('value');
  });
});
