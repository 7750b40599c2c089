import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['appliance/src/**/*.test.ts', 'relay/src/**/*.test.ts', 'test/**/*.test.ts', 'ui/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
