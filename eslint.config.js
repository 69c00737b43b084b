import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*.tmp.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is a pure leaf: no UI, no worker, no Node, no clocks, no hidden randomness.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'zustand', 'd3', 'd3-*', 'monaco-editor', 'elkjs*'], message: 'The engine must not import UI libraries.' },
          { group: ['**/ui/**', '**/state/**', '**/worker/**', '**/cli/**'], message: 'Imports flow ui → state → worker → engine, never back.' },
          { group: ['node:*', 'fs', 'path', 'crypto', 'child_process', 'os'], message: 'The engine runs in a Web Worker: no Node APIs.' },
        ],
      }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Use the seeded PRNG (src/engine/prng.ts).' },
        { object: 'Date', property: 'now', message: 'No clocks in the engine.' },
        { object: 'performance', property: 'now', message: 'No clocks in the engine.' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date']", message: 'No clocks in the engine.' }],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/ui/**', '**/state/**', 'react', 'react-dom'], message: 'The worker hosts the engine only.' }] }],
    },
  },
  {
    files: ['src/state/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/ui/**'], message: 'State must not import UI.' }] }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
