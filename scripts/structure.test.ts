/**
 * Repository rules on the shape of the code (ARCHITECTURE.md, "Layers"):
 * - no import cycle among the source files of any package or app, type-only imports included
 *   (`import type`, `export ... from`, `import('./x.js')` types and dynamic imports all count), so
 *   every package reads bottom-up;
 * - no function longer than 150 lines and no file longer than 300 lines, unless a one-line
 *   reason says why: `// long-function: <reason>` on one of the five lines above the function,
 *   `// long-file: <reason>` on one of the first five lines of the file.
 * Test files are not read (they are leaves: nothing imports them).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT, sourceFiles } from './lib/sources.js';

const MAX_FUNCTION_LINES = 150;
const MAX_FILE_LINES = 300;

/** Relative module specifiers of one file: static, type-only, re-exports, `import()` (types and calls). */
function relativeSpecifiers(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let spec: ts.Expression | undefined;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      spec = node.moduleSpecifier;
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg)) spec = arg.literal;
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      spec = node.arguments[0];
    }
    if (spec && ts.isStringLiteralLike(spec) && spec.text.startsWith('.')) found.push(spec.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The file a relative specifier names (`./x.js` -> `./x.ts`, `./dir` -> `./dir/index.ts`). */
function resolveSpecifier(
  from: string,
  spec: string,
  exists: (f: string) => boolean,
): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  const stem = base.replace(/\.(m|c)?js$/, '');
  for (const candidate of [
    `${stem}.ts`,
    `${stem}.mts`,
    `${stem}.cts`,
    path.join(base, 'index.ts'),
  ]) {
    if (exists(candidate)) return candidate;
  }
  return undefined;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      for (;;) {
        const member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return cycles;
}

function importGraph(
  files: readonly string[],
  read: (f: string) => string,
  exists: (f: string) => boolean,
): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = relativeSpecifiers(file, read(file))
      .map((spec) => resolveSpecifier(file, spec, exists))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

interface SizeViolation {
  file: string;
  line: number;
  what: string;
}

function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText(sf);
  }
  return '<anonymous>';
}

/** Functions over the line limit without a reason, and the file itself when it is too long. */
export function findSizeViolations(fileName: string, text: string): SizeViolation[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const out: SizeViolation[] = [];
  const lineCount = text.endsWith('\n') ? lines.length - 1 : lines.length;
  if (lineCount > MAX_FILE_LINES && !lines.slice(0, 5).some((l) => l.includes('long-file:'))) {
    out.push({
      file: fileName,
      line: 1,
      what: `file of ${lineCount} lines (limit ${MAX_FILE_LINES})`,
    });
  }
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const length = end - start + 1;
      if (length > MAX_FUNCTION_LINES) {
        const above = lines.slice(Math.max(0, start - 5), start + 1);
        if (!above.some((l) => l.includes('long-function:'))) {
          const name = functionName(node, sf);
          out.push({
            file: fileName,
            line: start + 1,
            what: `function ${name} of ${length} lines (limit ${MAX_FUNCTION_LINES})`,
          });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('no import cycles', () => {
  it('self-check: a planted cycle (type-only, re-export and import() types included) is reported', () => {
    const files: Record<string, string> = {
      '/p/src/a.ts': "import type { B } from './b.js';\nexport type A = B;",
      '/p/src/b.ts': "export * from './c.js';\nexport type B = number;",
      '/p/src/c.ts': "export type C = import('./a.js').A;",
      '/p/src/d.ts': "import { x } from './e.js';\nexport const d = x;",
      '/p/src/e.ts': 'export const x = 1;',
      '/p/src/f.ts': "export const f = () => import('./f.js');",
    };
    const graph = importGraph(
      Object.keys(files),
      (f) => files[f] ?? '',
      (f) => f in files,
    );
    expect(findCycles(graph)).toEqual([
      ['/p/src/a.ts', '/p/src/b.ts', '/p/src/c.ts'],
      ['/p/src/f.ts'],
    ]);
  });

  it('holds for every source file of packages/* and apps/*', () => {
    const files = sourceFiles();
    const graph = importGraph(files, (f) => readFileSync(f, 'utf8'), existsSync);
    const listing = findCycles(graph)
      .map((cycle) => cycle.map((f) => path.relative(ROOT, f)).join(' <-> '))
      .join('\n');
    expect(listing, `Import cycles (see ARCHITECTURE.md, "Layers"):\n${listing}`).toBe('');
  });
});

describe('short functions and files', () => {
  it('self-check: a long function and a long file are reported unless they say why', () => {
    const body = Array.from({ length: 160 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const long = `export function big(): void {\n${body}\n}\n`;
    const excused = `// long-function: a table of cases\n${long.replace('big', 'excused')}`;
    const file = `${long}${excused}`;
    const found = findSizeViolations('fixture.ts', file);
    expect(found.map((v) => v.what)).toEqual([
      `file of ${file.split('\n').length - 1} lines (limit 300)`,
      'function big of 162 lines (limit 150)',
    ]);
    expect(findSizeViolations('fixture.ts', `// long-file: generated table\n${file}`)).toHaveLength(
      1,
    );
  });

  it('holds for every source file of packages/* and apps/*', () => {
    const violations = sourceFiles().flatMap((file) =>
      findSizeViolations(path.relative(ROOT, file), readFileSync(file, 'utf8')),
    );
    const listing = violations.map((v) => `${v.file}:${v.line}  ${v.what}`).join('\n');
    expect(listing, `Too long without a reason (ARCHITECTURE.md, "Layers"):\n${listing}`).toBe('');
  });
});
