import { defineProject } from 'vitest/config'

/**
 * The crash tests (`src/payments/crash.test.ts`): they spawn the real BFF and kill it with SIGKILL, so
 * they run on their own (`scripts/check.mjs` runs them on PGlite and on PostgreSQL), without MSW — the
 * BFF is another process and every call is real HTTP on loopback.
 */
export default defineProject({
  // `pnpm test` runs it from the repository root (`-c server/vitest.crash.config.ts`).
  root: import.meta.dirname,
  test: {
    name: 'server-crash',
    include: ['src/payments/crash.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
