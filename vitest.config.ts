import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.tools/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: integration tests start real peers (Prometheus, node-exporter,
    // Chromium); more than two workers only makes them fight for CPU.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
