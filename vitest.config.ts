import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'bench/**/*.test.ts'],
    exclude: ['**/*.kernel.test.ts', 'node_modules/**'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
