import type { Storage } from './types'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestStorage, insertOneLineOrder } from '../testing/storage'
import { findAnomaly, recordAnomaly } from './anomalies'
import { findLine, transitionLine } from './payments'
import { findRefundBy, insertRefund, markRefundSucceeded } from './refunds'
import { premiumRefunds } from './schema'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

// 31 Dec 15:59:59Z: the last second of the year in Shanghai (the clock is the app's, passed in).
const AT = new Date('2026-12-31T15:59:59Z')

/** A paid line with a refund under way at WeChat Pay and an open anomaly about the line (a duplicate payment). */
async function refundingLineWithAnomaly() {
  const { order, lines } = await insertOneLineOrder(storage.db, AT)
  const line = lines[0]!
  await transitionLine(storage.db, line.id, 'pay')
  const refund = await insertRefund(storage.db, {
    outRefundNo: `R${line.id.slice(0, 8)}`,
    orderId: order.id,
    lineId: line.id,
    principal: order.principal,
    reason: 'duplicate',
    amountFen: line.amountFen,
    status: 'refunding',
  })
  const anomaly = await recordAnomaly(storage.db, {
    kind: 'duplicate_payment',
    dedupeKey: `duplicate:${line.id}`,
    orderId: order.id,
    lineId: line.id,
    detail: {},
    at: AT,
  })
  return { line, refund: refund!, anomaly: anomaly! }
}

const succeed = (refund: { id: string, lineId: string }) => markRefundSucceeded(storage.db, {
  id: refund.id,
  lineId: refund.lineId,
  at: new Date('2026-12-31T16:00:00Z'),
  wechatRefundId: 'wx-refund-1',
  receivedAccount: '招商银行信用卡0403',
  wholeLine: true,
  settles: { kinds: ['duplicate_payment'], by: 'system', resolution: '已原路退回', at: AT },
})

describe('a refund\'s success: the refund, its line and the anomalies it settles move in one commit', () => {
  it('moves none of them when settling the anomaly fails, and all of them once it can, exactly once', async () => {
    const { line, refund, anomaly } = await refundingLineWithAnomaly()
    // The database refuses the anomaly's update (as a crash or a lost connection there would stop it).
    await storage.run(`create function refuse_anomaly_update() returns trigger language plpgsql as $$
      begin raise exception 'anomaly update refused'; end $$`, [])
    await storage.run(`create trigger refuse_anomaly_update before update on payment_anomalies
      for each row execute function refuse_anomaly_update()`, [])
    try {
      await expect(succeed(refund)).rejects.toThrow()
    }
    finally {
      await storage.run('drop trigger refuse_anomaly_update on payment_anomalies', [])
      await storage.run('drop function refuse_anomaly_update()', [])
    }
    expect((await findRefundBy(storage.db, 'id', refund.id))).toMatchObject({ status: 'refunding', succeededAt: null })
    expect((await findLine(storage.db, line.id))?.line.status).toBe('paid')
    expect((await findAnomaly(storage.db, anomaly.id))?.status).toBe('open')

    // The same WeChat Pay answer, asked again: now everything moves together.
    expect(await succeed(refund)).toBe(true)
    expect((await findRefundBy(storage.db, 'id', refund.id))).toMatchObject({
      status: 'succeeded',
      wechatRefundId: 'wx-refund-1',
      receivedAccount: '招商银行信用卡0403',
    })
    expect((await findLine(storage.db, line.id))?.line.status).toBe('refunded')
    expect(await findAnomaly(storage.db, anomaly.id)).toMatchObject({ status: 'resolved', resolution: '已原路退回' })

    // A third answer (a repeat) changes nothing and says so.
    expect(await succeed(refund)).toBe(false)
    const [row] = await storage.db.select({ n: sql<number>`count(*)::int` }).from(premiumRefunds)
      .where(eq(premiumRefunds.lineId, line.id))
    expect(row?.n).toBe(1)
  })
})
