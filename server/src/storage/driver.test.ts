import process from 'node:process'
import { describe, expect, it } from 'vitest'
import { createTestStorage } from '../testing/storage'

/**
 * Which database this run is on. `pnpm test` runs the server suite twice, once on PGlite (TEST_DATABASE_URL
 * removed) and once on PostgreSQL, and says which it expects in EXPECT_DB_DRIVER: a run that silently used
 * the other driver (an inherited TEST_DATABASE_URL) fails here instead of passing twice on one.
 */
describe('the test database driver', () => {
  it('is the one TEST_DATABASE_URL implies (empty counts as unset), and the one the test command expects', async () => {
    const storage = await createTestStorage()
    try {
      expect(storage.driver).toBe(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite')
      const expected = process.env.EXPECT_DB_DRIVER
      if (expected !== undefined) {
        expect(['pglite', 'postgres']).toContain(expected)
        expect(storage.driver).toBe(expected)
      }
    }
    finally {
      await storage.close()
    }
  })
})
