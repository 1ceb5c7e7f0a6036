import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,nodes,server,ui,bench}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
