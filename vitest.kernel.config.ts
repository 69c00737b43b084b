import { defineConfig } from 'vitest/config';

// Kernel conformance: real network namespaces and iptables; needs root. One file at a time,
// because every lab uses the same namespace names.
export default defineConfig({
  test: {
    include: ['src/**/*.kernel.test.ts', 'kernel/**/*.kernel.test.ts'],
    environment: 'node',
    fileParallelism: false,
    passWithNoTests: true,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
