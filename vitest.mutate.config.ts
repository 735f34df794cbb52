import { defineConfig } from 'vitest/config'

// `pnpm mutate` (Stryker, see stryker.config.mjs) runs only the server project; paths stay relative to the root.
// stryker-file-hooks.ts gives what a file's hooks run to that file's tests, so Stryker does not reload for it.
export default defineConfig({
  test: {
    projects: [{
      extends: './server/vitest.config.ts',
      root: 'server',
      test: { setupFiles: ['src/testing/stryker-file-hooks.ts'] },
    }],
  },
})
