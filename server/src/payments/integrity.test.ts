import type { TestBrowser as Browser } from '../testing/auth'
import { randomUUID } from 'node:crypto'
import { maskIdCard } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { listAnomalies } from '../storage/anomalies'
import { findOrderBy, orderLines } from '../storage/payments'
import { outbox } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { MAX_JOB_ATTEMPTS } from './worker'
import { json, until } from '../testing/http'

/**
 * Money integrity (issue 9): one person-year is paid once across orders and payers, money that arrives
 * twice goes back on its own, every line is reported on its own, and every anomaly lands in the queue.
 * Against the real stack: the WeChat Pay simulator, the tax bureau stand-in and the outbox worker.
 */
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR

type Person = { name: string, certNo: string }

/** A signed-in payer (a Dongying resident); they pay for others by name + ID (代缴). */
async function signIn(): Promise<Browser> {
  const browser = new TestBrowser(ctx.stack.app)
  await browser.signInDirect(ctx.stack.deps, await payablePerson(YEAR))
  return browser
}
let shared: Browser | undefined
async function payer(): Promise<Browser> {
  shared ??= await signIn()
  return shared
}
/** Someone to pay for, whose year is payable (Guizhou has the most such seeded people). */
const subject = () => payablePerson(YEAR, '520000')

function orderFor(browser: Browser, people: Person[], key = randomUUID()) {
  return browser.request('/api/v1/payments/orders', {
    method: 'POST',
    headers: { 'idempotency-key': key },
    json: {
      year: YEAR,
      channel: 'native',
      people: people.map(p => ({ kind: 'other', name: p.name, certNo: p.certNo })),
    },
  })
}

async function quote(browser: Browser, people: Person[]) {
  const res = await browser.request('/api/v1/payments/quotes', {
    method: 'POST',
    json: { year: YEAR, people: people.map(p => ({ kind: 'other', ...p })) },
  })
  expect(res.status).toBe(200)
  return json(res)
}

/** The tax bureau's own word on a person-year. */
async function taxSaysPaid(p: Person): Promise<boolean> {
  return (await ctx.stack.deps.premiums.quote(p.certNo, p.name, YEAR))?.status === 'paid'
}

/** Runs the outbox until nothing is due (the clock moved where a test needs it). */
async function drain(rounds = 20) {
  for (let i = 0; i < rounds; i++) {
    if (!await ctx.stack.worker.tick()) return
  }
}

async function simOrder(outTradeNo: string) {
  return ctx.stack.control(`/orders/${outTradeNo}`) as Promise<{ trade_state: string }>
}

async function anomaliesOf(orderId: string) {
  return (await listAnomalies(ctx.storage.db, { status: 'open', regions: null })).filter(a => a.orderId === orderId)
}

describe('one person-year, one live line', () => {
  it('a payer who goes back and orders again: the old order is closed at WeChat Pay first, its people '
    + 'freed', async () => {
    const browser = await payer()
    const [a, b, c] = [await payablePerson(YEAR), await subject(), await subject()]
    const first = await json(await orderFor(browser, [a, b, c]))
    expect(first.status).toBe('prepaid')

    // /pay sees the open order holding them, as the payer's own (继续支付 / 取消订单).
    const q = await quote(browser, [b])
    expect(q.lines[0].heldBy).toEqual({ mine: true, orderId: first.id, expiresAt: first.expiresAt })

    const second = await orderFor(browser, [b])
    expect(second.status).toBe(201)
    expect((await simOrder(first.outTradeNo)).trade_state).toBe('CLOSED')
    expect((await findOrderBy(ctx.storage.db, 'id', first.id))!.status).toBe('closed')
    expect((await orderLines(ctx.storage.db, first.id)).map(l => l.status)).toEqual(['void', 'void', 'void'])
    // The other two are free again: nobody holds them.
    expect((await quote(browser, [a, c])).lines.map((l: { heldBy: unknown, status: string }) => [l.status, l.heldBy]))
      .toEqual([['payable', null], ['payable', null]])
  })

  it('if the old order was paid meanwhile, that person is 已缴费 and the new order leaves them out', async () => {
    const browser = await payer()
    const [a, b] = [await subject(), await subject()]
    await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
    try {
      const first = await json(await orderFor(browser, [a]))
      await ctx.stack.control(`/orders/${first.outTradeNo}/pay`, {})
      const second = await json(await orderFor(browser, [a, b]))
      expect(second.lines).toHaveLength(1)
      expect(second.lines[0].certNo).toBe(maskIdCard(b.certNo))
      expect((await findOrderBy(ctx.storage.db, 'id', first.id))!.status).toBe('paid')
      expect((await quote(browser, [a])).lines[0].status).toBe('paid')
    }
    finally {
      await ctx.stack.control('/config', { callbacks: 'deliver' }, 'PUT')
    }
  })

  it('two payers order for the same person at the same moment: exactly one order holds them, the other is '
    + 'told who', async () => {
    const [husband, wife] = [await payer(), await signIn()]
    const child = await subject()
    const answers = await Promise.all([orderFor(husband, [child]), orderFor(wife, [child])])
    expect(answers.map(r => r.status).sort()).toEqual([201, 409])
    const refused = await json(answers.find(r => r.status === 409)!)
    expect(refused.error.code).toBe('PERSON_IN_OPEN_ORDER')
    expect(refused.error.message).toContain(maskIdCard(child.certNo))
    expect(refused.error.message).not.toContain(child.certNo)
    const loser = answers[0]!.status === 409 ? husband : wife
    expect((await quote(loser, [child])).lines[0].heldBy).toMatchObject({ mine: false, orderId: null })

    // Twenty at once, from one payer with twenty keys: still one live line.
    const many = await Promise.all(Array.from({ length: 20 }, () => orderFor(wife, [child])))
    expect(many.filter(r => r.status === 201).length).toBeLessThanOrEqual(1)
    const { premiumOrderLines } = await import('../storage/schema')
    const live = await ctx.storage.db.select().from(premiumOrderLines)
      .where(eq(premiumOrderLines.personCertRef, ctx.stack.deps.vault.ref(child.certNo)))
    expect(live.filter(l => ['pending', 'paid', 'reported'].includes(l.status))).toHaveLength(1)
  })
})

describe('money that arrives twice goes back on its own', () => {
  it('a payment that beat the close: the later line is a duplicate, refunded to its account, the payer '
    + 'told', async () => {
    const browser = await payer()
    const p = await subject()
    const old = await json(await orderFor(browser, [p]))
    const fresh = await json(await orderFor(browser, [p]))
    expect((await findOrderBy(ctx.storage.db, 'id', old.id))!.status).toBe('closed')
    // The payer's first payment had gone through just before the close took effect.
    await ctx.stack.control(`/orders/${old.outTradeNo}/pay`, { beatClose: true })
    await until(async () => (await findOrderBy(ctx.storage.db, 'id', old.id))!.status === 'paid')
    const [dup] = await orderLines(ctx.storage.db, old.id)
    expect(dup!.status).toBe('duplicate')
    expect(dup!.receiptCode).toBeNull()
    expect((await anomaliesOf(old.id)).map(a => a.kind).sort()).toEqual(['duplicate_payment', 'paid_after_close'])

    // The new order is paid too: that one is the person's.
    await ctx.stack.control(`/orders/${fresh.outTradeNo}/pay`, {})
    await until(async () => (await findOrderBy(ctx.storage.db, 'id', fresh.id))!.status === 'paid')
    await drain()
    expect((await orderLines(ctx.storage.db, fresh.id))[0]!.status).toBe('reported')
    expect(await taxSaysPaid(p)).toBe(true)

    // The duplicate went back through the refund machinery (the simulator settles it after ~2 s).
    await until(async () => (await orderLines(ctx.storage.db, old.id))[0]!.status === 'refunded', 8000)
    const view = await json(await browser.request(`/api/v1/payments/orders/${old.id}`))
    expect(view.lines[0]).toMatchObject({
      status: 'refunded',
      refund: { status: 'succeeded', reason: 'duplicate_payment' },
    })
    expect((await anomaliesOf(old.id)).map(a => a.kind)).toEqual(['paid_after_close'])
    expect(await taxSaysPaid(p)).toBe(true)
  })

  it('the tax bureau already holds another payment (2002): our line is the duplicate and is refunded; the '
    + 'others are reported', async () => {
    const browser = await payer()
    const [a, b] = [await subject(), await subject()]
    const order = await json(await orderFor(browser, [a, b]))
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    await until(async () => (await findOrderBy(ctx.storage.db, 'id', order.id))!.status === 'paid')
    // Meanwhile someone paid a's year at a tax hall.
    const hall = await fetch(`${ctx.stack.sandboxUrl}/__sandbox/tax/counter-payment`, {
      method: 'POST',
      body: JSON.stringify({ certNo: a.certNo, year: YEAR }),
    })
    expect(hall.status).toBe(200)
    await drain()
    const lines = new Map((await orderLines(ctx.storage.db, order.id)).map(l => [l.personCertRef, l]))
    expect(lines.get(ctx.stack.deps.vault.ref(a.certNo))!.status).toBe('duplicate')
    expect(lines.get(ctx.stack.deps.vault.ref(b.certNo))!.status).toBe('reported')
    expect((await anomaliesOf(order.id)).map(a => [a.kind, a.detail.why]))
      .toEqual([['duplicate_payment', 'collected_elsewhere']])
    // Its receipt (issued when the money came) no longer proves a payment.
    const code = lines.get(ctx.stack.deps.vault.ref(a.certNo))!.receiptCode!
    const receipt = await json(await ctx.stack.app.request(`/api/v1/receipts/${code}`))
    expect(receipt).toMatchObject({ valid: false, duplicate: true })
    await until(async () => {
      await drain()
      return (await orderLines(ctx.storage.db, order.id)).some(l => l.status === 'refunded')
    }, 8000)
  })

  it('reporting again after a crash between collect and mark (2002 under our own order) is simply '
    + 'reported', async () => {
    const browser = await payer()
    const p = await subject()
    const order = await json(await orderFor(browser, [p]))
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    await until(async () => (await findOrderBy(ctx.storage.db, 'id', order.id))!.status === 'paid')
    const [line] = await orderLines(ctx.storage.db, order.id)
    // The bureau recorded it, but we never marked it (the process died in between).
    await ctx.stack.deps.premiums.collect({
      outTradeNo: order.outTradeNo,
      transactionId: 'x',
      paidAt: ctx.stack.clock.now(),
      lines: [{ certNo: p.certNo, year: YEAR, amountFen: line!.amountFen }],
    })
    await drain()
    expect((await orderLines(ctx.storage.db, order.id))[0]!.status).toBe('reported')
    expect(await anomaliesOf(order.id)).toEqual([])
  })
})

describe('bounded retries and the anomaly queue', () => {
  it('a tax refusal other than "already paid" is queued once and never retried forever', async () => {
    const browser = await payer()
    const p = await subject()
    const order = await json(await orderFor(browser, [p]))
    await fetch(`${ctx.stack.sandboxUrl}/__sandbox/tax/collect-refusal`, {
      method: 'PUT',
      body: JSON.stringify({ fhdm: '2001', fhxx: '缴费金额与应缴金额不一致' }),
    })
    try {
      await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
      await until(async () => (await findOrderBy(ctx.storage.db, 'id', order.id))!.status === 'paid')
      await drain()
      await drain()
    }
    finally {
      await fetch(`${ctx.stack.sandboxUrl}/__sandbox/tax/collect-refusal`, { method: 'PUT', body: '{}' })
    }
    const [line] = await orderLines(ctx.storage.db, order.id)
    expect(line!.status).toBe('paid')
    expect((await anomaliesOf(order.id)).map(a => [a.kind, a.detail.taxCode])).toEqual([['tax_refused', '2001']])
    const jobs = await ctx.storage.db.select().from(outbox).where(eq(outbox.dedupeKey, `report_line:${line!.id}`))
    expect(jobs.map(j => [j.doneAt !== null, j.deadAt])).toEqual([[true, null]])
  })

  it('a job that keeps failing backs off exponentially and, out of attempts, becomes an anomaly', async () => {
    const browser = await payer()
    const p = await subject()
    const order = await json(await orderFor(browser, [p]))
    await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
    await until(async () => (await findOrderBy(ctx.storage.db, 'id', order.id))!.status === 'paid')
    const [line] = await orderLines(ctx.storage.db, order.id)
    const job = async () => (await ctx.storage.db.select().from(outbox)
      .where(and(eq(outbox.dedupeKey, `report_line:${line!.id}`))))[0]!
    const start = ctx.stack.clock.now().getTime()
    await fetch(`${ctx.stack.sandboxUrl}/__sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify({ status: 503 }),
      headers: { 'content-type': 'application/json' },
    })
    const gaps: number[] = []
    try {
      // Other jobs fall due as the clock moves too (and fail the same way): tick until ours is done.
      for (let i = 0; i < 10 * MAX_JOB_ATTEMPTS; i++) {
        const before = await job()
        if (before.doneAt) break
        ctx.stack.clock.set(
          new Date(Math.max(ctx.stack.clock.now().getTime(), before.availableAt.getTime()) + 1),
          { frozen: true },
        )
        await ctx.stack.worker.tick()
        const after = await job()
        if (!after.doneAt && after.attempts > before.attempts) {
          gaps.push(after.availableAt.getTime() - ctx.stack.clock.now().getTime())
        }
      }
    }
    finally {
      await fetch(`${ctx.stack.sandboxUrl}/__sandbox/faults`, { method: 'DELETE' })
      ctx.stack.clock.set(new Date(start))
    }
    const dead = await job()
    expect(dead.attempts).toBe(MAX_JOB_ATTEMPTS)
    expect(dead.deadAt).not.toBeNull()
    // 5 s, 10 s, 20 s … doubling, capped at 30 minutes.
    expect(gaps.slice(0, 4)).toEqual([5_000, 10_000, 20_000, 40_000])
    expect(Math.max(...gaps)).toBe(30 * 60_000)
    expect((await anomaliesOf(order.id)).map(a => [a.kind, a.detail.topic])).toEqual([['job_exhausted', 'report_line']])
  })
})

describe('converging on the payer\'s time', () => {
  it('asks WeChat Pay about a minute after ordering (a dropped callback costs a minute, not half an '
    + 'hour)', async () => {
    const browser = await payer()
    const p = await subject()
    await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
    const start = ctx.stack.clock.now()
    try {
      const order = await json(await orderFor(browser, [p]))
      const checks = await ctx.storage.db.select().from(outbox).where(eq(outbox.topic, 'check_order'))
      const mine = checks.filter(j => j.payload.orderId === order.id)
        .map(j => Math.round((j.availableAt.getTime() - start.getTime()) / 60_000))
      expect(mine.sort((x, y) => x - y)).toEqual([1, 5, 15, 31])
      await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, {})
      await drain()
      expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('prepaid')
      ctx.stack.clock.set(new Date(start.getTime() + 61_000))
      await drain()
      expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('paid')
    }
    finally {
      await ctx.stack.control('/config', { callbacks: 'deliver' }, 'PUT')
      ctx.stack.clock.set(start)
    }
  })

  it('closes at expiry, here and at WeChat Pay; money that still arrives for a free person-year is theirs '
    + '(and queued)', async () => {
    const browser = await payer()
    const p = await subject()
    const start = ctx.stack.clock.now()
    try {
      const order = await json(await orderFor(browser, [p]))
      ctx.stack.clock.set(new Date(Date.parse(order.expiresAt) + 61_000))
      await drain()
      expect((await findOrderBy(ctx.storage.db, 'id', order.id))!.status).toBe('closed')
      expect((await simOrder(order.outTradeNo)).trade_state).toBe('CLOSED')
      expect((await orderLines(ctx.storage.db, order.id))[0]!.status).toBe('void')

      await ctx.stack.control(`/orders/${order.outTradeNo}/pay`, { beatClose: true })
      await until(async () => (await findOrderBy(ctx.storage.db, 'id', order.id))!.status === 'paid')
      expect((await orderLines(ctx.storage.db, order.id))[0]!.status).toBe('paid')
      expect((await anomaliesOf(order.id)).map(a => a.kind)).toEqual(['paid_after_close'])
      await drain()
      expect(await taxSaysPaid(p)).toBe(true)
    }
    finally {
      ctx.stack.clock.set(start)
    }
  })
})
