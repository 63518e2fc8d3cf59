import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', ws: 'src/ws/index.ts', http: 'src/http/index.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { customConditions: [] } },
  tsconfig: 'tsconfig.build.json',
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['ws', '@ws/core'],
});
