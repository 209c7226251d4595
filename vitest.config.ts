import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'devenv/**/*.test.ts',
      'devenv/**/*.test.tsx',
      'workers/**/*.test.ts',
      'dispatcher/**/*.test.ts',
      'protos/**/*.test.ts',
      'observability/**/*.test.ts',
      'loadtest/**/*.test.ts',
      'k8s/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    globalSetup: ['devenv/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
