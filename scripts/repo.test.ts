/**
 * Repository rule (ARCHITECTURE.md, "Repository rules"): no module-level mutable state. Every map, timer and counter hangs
 * off an instance the caller created, so two managers in one process never see each other.
 *
 * Scans the top-level statements of every non-test `packages/* /src/**.ts` and `apps/* /src/**.ts`
 * file with the TypeScript parser and reports:
 * - `let` / `var` declarations;
 * - `const X = new Map|Set|WeakMap|Array|EventEmitter|...(...)` (any `new` except a few immutable
 *   or stateless classes);
 * - `const X = [...]` and `const X = {...}` unless `as const`, `Object.freeze(...)`, or annotated
 *   with a read-only type (`readonly T[]`, `ReadonlyArray`, `ReadonlyMap`, `ReadonlySet`, `Readonly<>`);
 * - mutable `static` class fields (not `readonly`, or `readonly` but holding a container).
 * A justified exception carries `// repo-allow-module-state: <reason>` on the line above.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, sourceFiles } from './lib/sources.js';

const ALLOW_COMMENT = 'repo-allow-module-state:';

/** Constructors whose instances hold no state a caller could share by accident. */
const STATELESS_CLASSES = new Set(['TextEncoder', 'TextDecoder', 'URL', 'Error', 'TypeError']);
const READONLY_TYPE_NAMES = new Set(['ReadonlyArray', 'ReadonlyMap', 'ReadonlySet', 'Readonly']);

interface Violation {
  file: string;
  line: number;
  what: string;
}

function unwrap(expr: ts.Expression): { expr: ts.Expression; asConst: boolean } {
  let asConst = false;
  let e = expr;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isSatisfiesExpression(e)) {
      e = e.expression;
    } else if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) {
      if (ts.isTypeReferenceNode(e.type) && e.type.typeName.getText() === 'const') asConst = true;
      e = e.expression;
    } else {
      return { expr: e, asConst };
    }
  }
}

function isReadonlyType(type: ts.TypeNode | undefined): boolean {
  if (!type) return false;
  if (ts.isTypeOperatorNode(type)) return type.operator === ts.SyntaxKind.ReadonlyKeyword;
  if (ts.isTypeReferenceNode(type)) return READONLY_TYPE_NAMES.has(type.typeName.getText());
  return false;
}

function isObjectFreeze(expr: ts.Expression): boolean {
  return (
    ts.isCallExpression(expr) &&
    ts.isPropertyAccessExpression(expr.expression) &&
    expr.expression.expression.getText() === 'Object' &&
    expr.expression.name.text === 'freeze'
  );
}

/** Why a module-level value is mutable state, or undefined if it is not. */
function mutableInitializer(
  init: ts.Expression,
  type: ts.TypeNode | undefined,
): string | undefined {
  const { expr, asConst } = unwrap(init);
  if (asConst || isObjectFreeze(expr)) return undefined;
  if (ts.isNewExpression(expr)) {
    const name = expr.expression.getText();
    if (STATELESS_CLASSES.has(name)) return undefined;
    if (isReadonlyType(type)) return undefined;
    return `new ${name}(...)`;
  }
  if (ts.isArrayLiteralExpression(expr)) {
    return isReadonlyType(type) ? undefined : 'array literal (use `as const` or a readonly type)';
  }
  if (ts.isObjectLiteralExpression(expr)) {
    return isReadonlyType(type)
      ? undefined
      : 'object literal (use `as const`, `Object.freeze` or a `Readonly<>` type)';
  }
  return undefined;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (
    ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false)
  );
}

/** Scan one module's source text. */
function findModuleState(fileName: string, text: string): Violation[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const out: Violation[] = [];

  const report = (node: ts.Node, what: string): void => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line; // 0-based
    if (lines[line - 1]?.includes(ALLOW_COMMENT)) return;
    out.push({ file: fileName, line: line + 1, what });
  };

  for (const stmt of sf.statements) {
    if (ts.isVariableStatement(stmt)) {
      if (hasModifier(stmt, ts.SyntaxKind.DeclareKeyword)) continue; // no runtime value
      const flags = stmt.declarationList.flags;
      const isConst = (flags & ts.NodeFlags.Const) !== 0;
      for (const decl of stmt.declarationList.declarations) {
        const name = decl.name.getText(sf);
        if (!isConst) {
          const keyword = (flags & ts.NodeFlags.Let) !== 0 ? 'let' : 'var';
          report(decl, `top-level \`${keyword} ${name}\``);
        } else if (decl.initializer) {
          const why = mutableInitializer(decl.initializer, decl.type);
          if (why) report(decl, `top-level \`const ${name}\` = ${why}`);
        }
      }
    } else if (ts.isClassDeclaration(stmt)) {
      for (const member of stmt.members) {
        if (!ts.isPropertyDeclaration(member)) continue;
        if (!hasModifier(member, ts.SyntaxKind.StaticKeyword)) continue;
        const name = `${stmt.name?.text ?? '<class>'}.${member.name.getText(sf)}`;
        if (!hasModifier(member, ts.SyntaxKind.ReadonlyKeyword)) {
          report(member, `mutable static field \`${name}\``);
        } else if (member.initializer) {
          const why = mutableInitializer(member.initializer, member.type);
          if (why) report(member, `static field \`${name}\` = ${why}`);
        }
      }
    }
  }
  return out;
}

describe('no module-level mutable state', () => {
  it('self-check: the scanner reports violations and accepts immutable values', () => {
    const fixture = [
      /* 1 */ "import { EventEmitter } from 'eventemitter3';",
      /* 2 */ 'let counter = 0;',
      /* 3 */ 'export var legacy: string | undefined;',
      /* 4 */ 'const connections = new Map<string, number>();',
      /* 5 */ 'const bus = new EventEmitter();',
      /* 6 */ 'const queue: string[] = [];',
      /* 7 */ 'export const registry = {};',
      /* 8 */ 'export const DEFAULTS = { a: 1 } as const;',
      /* 9 */ 'export const FROZEN = Object.freeze({ a: [1] });',
      /* 10 */ 'const CODES = [1000, 1001] as const satisfies readonly number[];',
      /* 11 */ "const KNOWN: ReadonlySet<string> = new Set(['a']);",
      /* 12 */ 'const encoder = new TextEncoder();',
      /* 13 */ 'export function f(): number { let local = 1; const m = new Map(); return local + m.size; }',
      /* 14 */ 'class Registry { static instances = new Set(); static readonly cache = new Map(); static readonly NAME = "x"; }',
      /* 15 */ '// repo-allow-module-state: test of the escape hatch',
      /* 16 */ 'const allowed = new WeakMap();',
      /* 17 */ 'declare let injected: number;',
      /* 18 */ 'const arr = new Array(3);',
      /* 19 */ 'export const managerDefaults: Readonly<{ a: number }> = { a: 1 };',
      /* 20 */ 'const same = (([] as string[]));',
      /* 21 */ 'export { counter, legacy, connections, bus, queue, CODES, KNOWN, encoder, Registry, allowed, injected, arr, same };',
    ].join('\n');
    const found = findModuleState('fixture.ts', fixture);
    expect(found.map((v) => v.line)).toEqual([2, 3, 4, 5, 6, 7, 14, 14, 18, 20]);
    expect(found[0]?.what).toBe('top-level `let counter`');
    expect(found[2]?.what).toBe('top-level `const connections` = new Map(...)');
  });

  it('holds for every non-test source file of packages/* and apps/*', () => {
    const files = sourceFiles();
    const violations = files.flatMap((file) =>
      findModuleState(path.relative(ROOT, file), readFileSync(file, 'utf8')),
    );
    const listing = violations.map((v) => `${v.file}:${v.line}  ${v.what}`).join('\n');
    expect(
      listing,
      `Module-level mutable state found (hang it off an instance; see ARCHITECTURE.md):\n${listing}`,
    ).toBe('');
  });
});
