/**
 * The public functions that take an options object: every exported function of every published
 * entry with a parameter whose declared type is named `...Options` (or `CodecContext`, the
 * codec factories' options). Read from the type checker, so a factory added later is found.
 */
import ts from 'typescript';
import { exportedSymbols, surfaceProgram } from './surface.js';
import type { Entry } from './surface.js';

/** `'@ws/pkg#name'` of one exported function. */
export type FactoryId = `${string}#${string}`;

const OPTION_TYPE = /(?:Options|CodecContext)$/;

function typeName(checker: ts.TypeChecker, type: ts.Type): string | undefined {
  const t = checker.getNonNullableType(type);
  return t.aliasSymbol?.name ?? t.getSymbol()?.name;
}

function takesOptions(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  const decl = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (decl === undefined) return false;
  const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
  return type.getCallSignatures().some((sig) =>
    sig.getParameters().some((p) => {
      const name = typeName(checker, checker.getTypeOfSymbolAtLocation(p, decl));
      return name !== undefined && OPTION_TYPE.test(name);
    }),
  );
}

/** Every exported function of `entries` that takes an options object, sorted. */
export function optionFactories(entries: readonly Entry[]): FactoryId[] {
  const program = surfaceProgram(entries);
  const checker = program.getTypeChecker();
  const found: FactoryId[] = [];
  for (const entry of entries) {
    for (const { name, symbol } of exportedSymbols(program, entry)) {
      if (!(symbol.flags & ts.SymbolFlags.Function)) continue;
      if (takesOptions(checker, symbol)) found.push(`${entry.key}#${name}`);
    }
  }
  return found.sort();
}
