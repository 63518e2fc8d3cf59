import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', msgpack: 'src/msgpack.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { customConditions: [] } },
  tsconfig: 'tsconfig.build.json',
  clean: true,
  sourcemap: true,
  // Browsers too: no Node-only syntax or APIs.
  target: 'es2020',
  platform: 'neutral',
  external: ['@msgpack/msgpack'],
});
