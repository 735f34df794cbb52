import { configDefaults, defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts'],
    // Spawns and kill -9s the real BFF: its own project (vitest.crash.config.ts), run by `pnpm test`.
    exclude: [...configDefaults.exclude, 'src/payments/crash.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    setupFiles: ['src/testing/msw.ts', 'src/testing/contract-setup.ts'],
    // PGlite needs seconds to start; the suite is still fast because each file restores a snapshot.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
