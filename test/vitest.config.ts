import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'test',
    include: ['integration/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
