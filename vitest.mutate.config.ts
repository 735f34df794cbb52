import { defineConfig } from 'vitest/config'

// `pnpm mutate` (Stryker, see stryker.config.mjs) runs only the server project; paths stay relative to the root.
export default defineConfig({
  test: {
    projects: ['server'],
  },
})
