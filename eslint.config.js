// @ts-check
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;
const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];
const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs'];
const TEST_FILES = ['**/*.test.ts', '**/*.test-d.ts', '**/test/**/*.ts', 'scripts/**/*.ts'];
const PACKAGE_SRC = ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'examples/*/src/**/*.ts'];
const CORE_SRC = ['packages/core/src/**/*.ts'];
const CORE_TESTS = ['packages/core/src/**/*.test.ts', 'packages/core/src/**/*.test-d.ts'];
const NON_CORE_SRC = ['packages/*/src/**/*.ts'];
const NON_CORE_TESTS = ['packages/*/src/**/*.test.ts', 'packages/*/src/**/*.test-d.ts'];
/** Test-support files under a package's src/ (never built into dist): tests by another name. */
const TEST_SUPPORT = [
  'packages/*/src/test/**/*.ts',
  'packages/*/src/testSupport/**/*.ts',
  'packages/*/src/**/testSupport.ts',
  // The toolkit itself is test support as a whole: it composes packages for the tests.
  'packages/testkit/src/**/*.ts',
];
const APP_SRC = ['apps/*/src/**/*.ts', 'examples/*/src/**/*.ts'];
const APP_TESTS = ['apps/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'];

/**
 * A relative import must stay inside the importing file's own package (`packages/<name>/`,
 * `apps/<name>/` or `examples/<name>/`): reaching into a sibling (`../../core/src/x`) bypasses its public entry and
 * its exports map. Covers static imports, re-exports and dynamic `import()`.
 * @type {import('eslint').Rule.RuleModule}
 */
const noRelativeOutsidePackage = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid relative imports that leave the current package' },
    schema: [],
    messages: {
      outside:
        "'{{source}}' leaves this package. Import another package by its public name (only '@ws/core', and '@ws/core/testing' in tests).",
    },
  },
  create(context) {
    const filename = context.filename;
    const rel = path.relative(ROOT, filename).split(path.sep);
    // rel: ['packages' | 'apps', '<name>', ...]
    if (rel.length < 3 || !['packages', 'apps', 'examples'].includes(rel[0] ?? '')) return {};
    const packageRoot = path.join(ROOT, rel[0], /** @type {string} */ (rel[1]));

    /** @param {import('estree').Node | null | undefined} node */
    function check(node) {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const source = node.value;
      if (!source.startsWith('.')) return;
      const target = path.resolve(path.dirname(filename), source);
      const fromRoot = path.relative(packageRoot, target);
      if (fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) {
        context.report({ node, messageId: 'outside', data: { source } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

const wsPlugin = { rules: { 'no-relative-outside-package': noRelativeOutsidePackage } };

const CORE_ONLY_MESSAGE =
  "Packages import only @ws/core's public entry ('@ws/core'); '@ws/core/testing' and '@ws/testkit' only in tests; never another package or core internals.";
const TESTKIT_MESSAGE =
  '@ws/testkit is the private test toolkit: tests and test-support files only, never shipped code.';

export default defineConfig(
  {
    name: 'ws/ignores',
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/.turbo/**',
      'bench/results/**',
      'test-artifacts/**',
    ],
  },
  {
    name: 'ws/base',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    name: 'ws/typescript',
    files: TS_FILES,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {
          // Root *.ts files and scripts/ are in the root tsconfig.json; listing '*.ts' here too
          // is an error ("included by allowDefaultProject but also found in the project
          // service"). JS files skip type-aware linting (below). `**` is not allowed here.
          allowDefaultProject: ['*.js', '*.mjs'],
        },
        tsconfigRootDir: ROOT,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Pragmatic: an async function that implements a Promise-returning port need not await.
      '@typescript-eslint/require-await': 'off',
      // Style, not safety (and auto-fixable): report without failing the build.
      '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
    },
  },
  {
    name: 'ws/tests',
    files: TEST_FILES,
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    name: 'ws/js',
    files: JS_FILES,
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'module',
      globals: { ...globals.node },
    },
  },
  {
    name: 'ws/js-commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },

  // ---- Short signatures (ARCHITECTURE.md, "Repository rules") ----
  {
    // Internal functions take at most 3 parameters (an options or context object beyond that);
    // a public signature that already takes more keeps its shape behind
    // `// eslint-disable-next-line max-params -- public signature`.
    name: 'ws/max-params',
    files: PACKAGE_SRC,
    ignores: [...TEST_FILES, '**/testSupport/**', '**/internal/testSupport.ts'],
    rules: { 'max-params': ['error', 3] },
  },

  // ---- Dependency boundaries (ARCHITECTURE.md: "Packages and the one rule between them") ----
  {
    name: 'ws/boundaries/no-relative-outside-package',
    files: PACKAGE_SRC,
    plugins: { ws: wsPlugin },
    rules: { 'ws/no-relative-outside-package': 'error' },
  },
  {
    name: 'ws/boundaries/core-src',
    files: CORE_SRC,
    ignores: [...CORE_TESTS, ...TEST_SUPPORT],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@ws/',
              message: '@ws/core imports no other package of this repo (and not itself by name).',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'ws/boundaries/core-tests',
    files: [...CORE_TESTS, 'packages/core/src/**/testSupport.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@ws/(?!(core(/testing)?|testkit)$)',
              message:
                "Core's tests use relative imports, '@ws/core', '@ws/core/testing' or '@ws/testkit' only.",
            },
          ],
        },
      ],
    },
  },
  {
    name: 'ws/boundaries/packages-src',
    files: NON_CORE_SRC,
    ignores: [...CORE_SRC, ...NON_CORE_TESTS, ...TEST_SUPPORT],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^@ws/(?!core$)', message: CORE_ONLY_MESSAGE }] },
      ],
    },
  },
  {
    name: 'ws/boundaries/packages-tests',
    files: [...NON_CORE_TESTS, ...TEST_SUPPORT],
    ignores: CORE_SRC,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@ws/core/(?!testing$)', message: CORE_ONLY_MESSAGE },
            {
              // Integration tests may use other packages (devDependencies), by public entry only.
              regex: '^@ws/(?!core/)[^/]+/(src|dist|internal)(/|$)',
              message:
                'Import packages by their public entry, never their src/dist/internal files.',
            },
          ],
        },
      ],
    },
  },
  {
    // apps compose packages freely, but their shipped code never uses the test toolkit.
    name: 'ws/boundaries/apps-src',
    files: APP_SRC,
    ignores: APP_TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^@ws/testkit(/|$)', message: TESTKIT_MESSAGE }] },
      ],
    },
  },
);
