import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.devenv/', '**/gen/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
    rules: {
      // Output goes through the CLI entry point or a reporter, so nothing bypasses them.
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Small modules with one concept each: a file or function past these is split, not grown.
    files: [
      'devenv/src/**/*.{ts,tsx}',
      'devenv/shared/**/*.ts',
      'dispatcher/src/**/*.ts',
      'workers/typescript/src/**/*.ts',
      'observability/**/*.ts',
    ],
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/*.test-support.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // k6 scripts run in k6's JavaScript runtime, not Node: its globals, and its modules.
    files: ['loadtest/**/*.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly' } },
  },
  {
    files: ['devenv/bin/**', 'devenv/src/cli/main.ts', 'devenv/src/cli/output.ts', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
