import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    setupFiles: ['src/testing/msw.ts'],
    // PGlite needs seconds to start; the suite is still fast because each file restores a snapshot.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
