// Lint for src/, tests/, bench/ and scripts/: ESLint's and typescript-eslint's recommended rules,
// plus the type-aware checks for promises (a forgotten await loses an error or a write).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'docs/site/', 'node_modules/', 'data/', '.iam-labs-test/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read JSON printed by CLIs and script SDK inputs loosely, and match terminal output
    // with its ANSI escape codes: `any` and control characters in regexes are the point there.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-control-regex': 'off' },
  },
  {
    // The emulator checks input against AWS's documented value patterns, which include tab, LF
    // and CR ([\u0009\u000A\u000D\u0020-\u00FF]): control characters are the point there.
    files: ['src/emulator/**/*.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // iam-simulate's per-statement analysis has no exported type; the engine wraps it here only.
    files: ['src/policy/engine.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', URL: 'readonly' } },
  },
);
