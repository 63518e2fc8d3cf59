/**
 * The public surface of every published package, entry by entry: each exported name and whether
 * it is a value (exists at run time) or a type only. The list lives in `exports.snapshot.json`
 * beside this file, so a refactor that drops, renames or adds an export fails here and a change
 * to the surface is a visible diff of that file.
 *
 * After a deliberate change of the surface: `UPDATE_EXPORTS=1 npx vitest run --project repo
 * scripts/exports.test.ts` rewrites the snapshot; commit it with a changeset.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { exportedSymbols, publicEntries, surfaceProgram } from './lib/surface.js';
import type { Entry } from './lib/surface.js';
import { ROOT } from './lib/sources.js';

const SNAPSHOT = path.join(ROOT, 'scripts', 'exports.snapshot.json');

type Surface = Record<string, Record<string, 'type' | 'value'>>;

function readSurface(entries: Entry[]): Surface {
  const program = surfaceProgram(entries);
  const surface: Surface = {};
  for (const entry of entries) {
    const names: Record<string, 'type' | 'value'> = {};
    for (const { name, symbol } of exportedSymbols(program, entry)) {
      names[name] = symbol.flags & ts.SymbolFlags.Value ? 'value' : 'type';
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
