// What the money-integrity checks (issue 9) cost the order path, measured at the storage layer in one run:
// the same orders written with and without them, on two fresh embedded databases.
import { randomUUID } from 'node:crypto'
import { createStorage } from '@yibao/server/storage'
import { enqueue, insertOrder, liveLinesFor } from '@yibao/server/storage/payments'

const ORDERS = Number(process.env.BENCH_INTEGRITY_ORDERS ?? 1000)

type Storage = Awaited<ReturnType<typeof createStorage>>

/**
 * One order's storage work. With the checks: the person-year look-up (shared by the quote and the
 * freeing of the payer's own holds), the order and its line under the one-live-line index with its four
 * convergence jobs (1, 5, 15 minutes and expiry) in the same commit. Without (as before): one look-up of
 * paid lines, no index, the order, then one job in a commit of its own.
 */
async function writeOrders(storage: Storage, checks: boolean): Promise<number> {
  const at = new Date('2026-11-15T02:00:00Z')
  const round = randomUUID().slice(0, 8)
  const t0 = performance.now()
  for (let i = 0; i < ORDERS; i++) {
    const certRef = `bench-${round}-${i}`
    await liveLinesFor(storage.db, [certRef], 2027)
    const created = await insertOrder(storage.db, {
      outTradeNo: `YB${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      principal: 'resident:bench',
      channel: 'native',
      year: 2027,
      totalFen: 40_000,
      status: 'created',
      description: 'bench',
      payerOpenid: null,
      timeExpire: new Date(at.getTime() + 1_800_000),
      idempotencyKeyId: null,
      createdAt: at,
    }, [{
      personCertRef: certRef,
      personCertNoEnc: 'x',
      personNameMasked: '*',
      regionCode: '370502',
      year: 2027,
      amountFen: 40_000,
    }],
    // With the checks, the four convergence jobs go in with the order; before, one job came after it.
    checks ? ['0', '1', '2', 'expiry'].map(key => ({ topic: 'check_order', key, payload: {}, availableAt: at })) : [])
    if (!created) throw new Error('person-year already held')
    if (!checks) {
      await enqueue(
        storage.db,
        'check_order',
        `check_order:${created.order.id}:expiry`,
        { orderId: created.order.id },
        at,
      )
    }
  }
  return ORDERS / ((performance.now() - t0) / 1000)
}

/** Orders/s at the storage layer with and without the checks, and their cost next to the end-to-end order. */
export async function integrityFigures(endToEnd?: { rps: number, p50: number }) {
  const withChecks = await createStorage({ driver: 'pglite' })
  const without = await createStorage({ driver: 'pglite' })
  try {
    await without.run('drop index premium_order_lines_person_year_live_idx', [])
    // Warm-up of both (JIT, catalog caches), not counted.
    await writeOrders(without, false)
    await writeOrders(withChecks, true)
    const before = await writeOrders(without, false)
    const after = await writeOrders(withChecks, true)
    const costMs = 1000 / after - 1000 / before
    console.log('\n## Money-integrity checks (issue 9): the order path\'s storage work with and without them\n')
    console.log(`storage work per order: ${before.toFixed(0)} orders/s without the checks, ${after.toFixed(0)} `
      + `orders/s with them (${ORDERS} orders each, embedded PostgreSQL)`)
    if (endToEnd) {
      const share = costMs / endToEnd.p50 * 100
      const projected = endToEnd.rps / (1 - costMs / endToEnd.p50)
      console.log(`checks cost ${costMs.toFixed(2)} ms per order = ${share.toFixed(1)} % of the end-to-end order `
        + `p50 (${endToEnd.p50.toFixed(1)} ms): orders/s before ≈ ${projected.toFixed(0)}, `
        + `after ${endToEnd.rps.toFixed(0)} (goal: ≤ 10 %)`)
    }
    else {
      console.log(`checks cost ${costMs.toFixed(2)} ms per order at the storage layer`)
    }
  }
  finally {
    await withChecks.close()
    await without.close()
  }
}
