import type { StatementObserver } from '../storage/statements'
import type { Storage } from '../storage/types'
import { readFile } from 'node:fs/promises'
import process from 'node:process'
import { sql } from 'drizzle-orm'
import { inject } from 'vitest'
import { createStorage } from '../storage'
import { insertOrder } from '../storage/payments'

let counter = 0

/** A schema name unique to this process and call. */
export function testSchemaName(): string {
  counter += 1
  return `t_${process.pid}_${Date.now().toString(36)}_${counter}`
}

/**
 * A fresh, migrated database for one test file. PGlite (default) starts from a snapshot made once per
 * run by the global setup (seconds saved per file); with TEST_DATABASE_URL, a unique schema on a real
 * PostgreSQL server.
 */
export async function createTestStorage(opts: { observeStatement?: StatementObserver } = {}): Promise<Storage> {
  const url = process.env.TEST_DATABASE_URL
  if (url) {
    const schema = testSchemaName()
    const storage = await createStorage({ driver: 'postgres', url, schema, max: 4, ...opts })
    return { ...storage, close: async () => {
      await storage.db.execute(sql.raw(`drop schema if exists "${schema}" cascade`))
      await storage.close()
    } }
  }
  const snapshot = await readFile(inject('pgliteSnapshot'))
  return createStorage({ driver: 'pglite', loadDataDir: new Blob([snapshot]), ...opts })
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string
  }
}

/**
 * A Native order for one person (¥400, year 2027), written as the app writes orders, created at `at` (the
 * 30-minute expiry follows it): for storage tests that need a real order row and line.
 */
export async function insertOneLineOrder(db: Storage['db'], at: Date) {
  const outTradeNo = `T${Math.random().toString(36).slice(2, 14)}`
  const created = await insertOrder(db, {
    outTradeNo,
    principal: 'acct-1',
    channel: 'native',
    year: 2027,
    totalFen: 40000,
    status: 'created',
    description: '城乡居民医保 2027',
    timeExpire: new Date(at.getTime() + 30 * 60_000),
    createdAt: at,
  }, [{
    personCertRef: `ref-${outTradeNo}`,
    personCertNoEnc: 'enc',
    personNameMasked: '张*',
    regionCode: '370502',
    year: 2027,
    amountFen: 40000,
  }])
  if (!created) throw new Error('the person-year of a fresh random person was taken')
  return created
}
