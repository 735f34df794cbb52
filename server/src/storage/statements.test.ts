import type { StatementOutcome } from './statements'
import type { Storage } from './types'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestStorage, insertOneLineOrder } from '../testing/storage'
import { findOrderBy, insertOrder, markOrderPaid, orderLines } from './payments'
import { hitRateLimit } from './rate-limits'
import { outbox, rateLimits } from './schema'
import { statementFamily } from './statements'

describe('statementFamily', () => {
  it('names a statement by its verb and the table it reads or writes, as drizzle writes them', () => {
    expect(statementFamily('select "id", "data" from "sessions" where "sessions"."id" = $1')).toBe('select sessions')
    expect(statementFamily('insert into "premium_orders" ("id") values ($1) returning "id"'))
      .toBe('insert premium_orders')
    expect(statementFamily('update "outbox" set "status" = $1 where "outbox"."id" = $2')).toBe('update outbox')
    expect(statementFamily('delete from "rate_limits" where "window_start" < $1')).toBe('delete rate_limits')
    expect(statementFamily('select * from "t_1"."audit_events"')).toBe('select audit_events')
    expect(statementFamily('  /* c */ -- x\n  WITH claimed AS (update "outbox" set x = 1 returning *) select 1'))
      .toBe('with claimed')
    expect(statementFamily('select count(*) from (select 1) s')).toBe('select')
    expect(statementFamily('select 1')).toBe('select')
    expect(statementFamily('BEGIN')).toBe('begin')
    expect(statementFamily('vacuum full')).toBe('other')
  })

  it('never takes a value into the family: only the statement text, whose parameters are placeholders', () => {
    // A literal in the text (raw SQL) comes after the table name and is not part of the family.
    expect(statementFamily(`select * from "residents" where cert = '370502198603150420'`)).toBe('select residents')
    expect(statementFamily(`insert into "x" values ('370502198603150420')`)).toBe('insert x')
  })
})

describe('observed storage (the driver this run uses)', () => {
  const seen: { family: string, outcome: StatementOutcome, seconds: number }[] = []
  let storage: Storage
  beforeAll(async () => {
    storage = await createTestStorage({ observeStatement: (family, outcome, seconds) => {
      seen.push({ family, outcome, seconds })
    } })
  })
  afterAll(async () => { await storage.close() })

  it('tells the family, outcome and duration of each statement drizzle runs, and each transaction', async () => {
    seen.length = 0
    const now = new Date('2026-11-15T02:00:00Z')
    await hitRateLimit(storage.db, 'statements-test', 'subject', 60, now)
    await storage.db.select().from(rateLimits).where(eq(rateLimits.bucket, 'statements-test'))
    await storage.db.transaction(async (tx) => {
      await tx.update(rateLimits).set({ count: 5 }).where(eq(rateLimits.bucket, 'statements-test'))
      await tx.delete(rateLimits).where(eq(rateLimits.bucket, 'statements-test'))
    })
    await expect(storage.db.execute(sql`select * from "no_such_table"`)).rejects.toThrow()
    // The error's observation may come a microtask after the rejection.
    await new Promise(resolve => setImmediate(resolve))
    expect(seen.map(s => `${s.family}:${s.outcome}`)).toEqual([
      'insert rate_limits:ok',
      'select rate_limits:ok',
      'update rate_limits:ok',
      'delete rate_limits:ok',
      'transaction:ok',
      'select no_such_table:error',
    ])
    for (const s of seen) expect(s.seconds).toBeGreaterThanOrEqual(0)
    // A transaction lasts at least as long as the statements in it.
    const inside = seen.slice(2, 4).reduce((sum, s) => sum + s.seconds, 0)
    expect(seen[4]!.seconds).toBeGreaterThanOrEqual(inside * 0.99)
  })

  it('counts a transaction that rolls back as an error, and the storage still answers', async () => {
    seen.length = 0
    await expect(storage.db.transaction(async (tx) => {
      await tx.select().from(rateLimits)
      throw new Error('changed my mind')
    })).rejects.toThrow('changed my mind')
    await new Promise(resolve => setImmediate(resolve))
    expect(seen.map(s => `${s.family}:${s.outcome}`)).toEqual(['select rate_limits:ok', 'transaction:error'])
    expect(await storage.db.select().from(rateLimits)).toEqual([])
  })
})

describe('statements of the payment path (issue 14: their number is its cost)', () => {
  const seen: string[] = []
  let storage: Storage
  beforeAll(async () => {
    storage = await createTestStorage({ observeStatement: family => seen.push(family) })
  })
  afterAll(async () => { await storage.close() })

  it('writes an order, its lines and its jobs in one statement, and returns them as a read gives them', async () => {
    const at = new Date('2026-12-31T15:59:59.123Z')
    const line = (ref: string, amountFen: number) => ({
      personCertRef: ref,
      personCertNoEnc: `enc-${ref}`,
      personNameMasked: '王*',
      regionCode: '520102',
      year: 2027,
      amountFen,
    })
    const ref = Math.random().toString(36).slice(2)
    seen.length = 0
    const created = await insertOrder(storage.db, {
      outTradeNo: `T${ref}`,
      principal: 'acct-2',
      channel: 'jsapi',
      year: 2027,
      totalFen: 40000 + 20000,
      status: 'created',
      description: '城乡居民医保 2027（2人）',
      payerOpenid: 'o-openid',
      timeExpire: new Date(at.getTime() + 30 * 60_000),
      createdAt: at,
    }, [line(`b-${ref}`, 40000), line(`a-${ref}`, 20000)], [
      { topic: 'check_order', key: '0', payload: { n: 1 }, availableAt: new Date(at.getTime() + 60_000) },
    ])
    expect(seen).toEqual(['with o'])
    // The lines in the order given; every column as drizzle reads it (dates as dates, fen as numbers).
    expect(created!.lines.map(l => l.amountFen)).toEqual([40000, 20000])
    expect(created!.order).toEqual(await findOrderBy(storage.db, 'id', created!.order.id))
    expect([...created!.lines].sort((a, b) => a.personCertRef.localeCompare(b.personCertRef)))
      .toEqual(await orderLines(storage.db, created!.order.id))
    expect(created!.order.createdAt.toISOString()).toBe(at.toISOString())
    const [job] = await storage.db.select().from(outbox).where(eq(outbox.dedupeKey, `check_order:${created!.order.id}:0`))
    expect(job).toMatchObject({ payload: { n: 1, orderId: created!.order.id }, availableAt: new Date(at.getTime() + 60_000) })

    // A person-year already held: nothing written, and the caller is told (null), not thrown at.
    const again = await insertOrder(storage.db, {
      ...created!.order,
      id: undefined,
      outTradeNo: `U${ref}`,
      idempotencyKeyId: null,
    }, [line(`c-${ref}`, 1), line(`a-${ref}`, 20000)])
    expect(again).toBeNull()
    expect(await findOrderBy(storage.db, 'outTradeNo', `U${ref}`)).toBeNull()
  })

  it('stores a reported payment of a one-line order in one transaction of six statements, a repeat in two', async () => {
    const at = new Date('2026-12-31T15:59:59Z')
    const { order } = await insertOneLineOrder(storage.db, at)
    const pay = (eventId: string) => markOrderPaid(storage.db, {
      orderId: order.id,
      outTradeNo: order.outTradeNo,
      transactionId: `4200${order.outTradeNo}`,
      paidAt: at,
      newReceiptCode: () => `R-${eventId}`,
      eventId,
      eventType: 'TRANSACTION.SUCCESS',
      now: at,
    })
    seen.length = 0
    const paid = await pay('evt-1')
    expect(paid.outcome).toBe('paid')
    // The notification, the order (its status change tells the order streams itself), its lines, each line
    // (in a savepoint: the person-year may have been taken meanwhile) and its report job.
    expect(seen.filter(f => f !== 'savepoint' && f !== 'release')).toEqual([
      'insert payment_notifications',
      'update premium_orders',
      'select premium_order_lines',
      'update premium_order_lines',
      'insert outbox',
      'transaction',
    ])
    seen.length = 0
    expect((await pay('evt-1')).outcome).toBe('repeat')
    expect(seen).toEqual(['insert payment_notifications', 'transaction'])
  })
})
