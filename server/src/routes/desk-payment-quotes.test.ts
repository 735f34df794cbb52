import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { findOrderBy } from '../storage/payments'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { createTestStaff, signInStaff } from '../testing/staff'

const { ctx, payablePerson: payableIn } = usePaymentStack()
const YEAR = TEST_YEAR
const payablePerson = (policyRegion: '370500' | '520000' = '370500') => payableIn(YEAR, policyRegion)

async function staffBrowser(regions = ['370500']) {
  const browser = new TestBrowser(ctx.stack.app)
  const staff = await createTestStaff(ctx.stack.deps, { role: 'clerk', regions })
  await signInStaff(browser, ctx.stack.deps, staff)
  return { browser, staff }
}

function quote(browser: TestBrowser, body: unknown) {
  return browser.request('/api/v1/desk/payments/quotes', { method: 'POST', json: body })
}

async function auditOf(actorId: string) {
  return ctx.storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), eq(auditEvents.action, 'desk.payment.quote')))
}

describe('help-desk quotes (is the year paid, before a QR code is made)', () => {
  it('says payable, then held by the clerk\'s own QR, then paid; masked, audited, not cached', async () => {
    const { browser, staff } = await staffBrowser()
    const person = await payablePerson()
    // A look-up without the name works too (the resident gave only the ID card).
    const res = await quote(browser, { year: YEAR, certNo: person.certNo })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const before = await json(res)
    expect(before).toMatchObject({ year: YEAR, lines: [{ status: 'payable', heldBy: null, regionCode: expect.stringMatching(/^3705/) }] })
    expect(before.totalFen).toBeGreaterThan(0)
    expect(JSON.stringify(before)).not.toContain(person.certNo)

    const created = await json(await browser.request('/api/v1/desk/payments/orders', {
      method: 'POST',
      json: { year: YEAR, name: person.name, certNo: person.certNo },
      headers: { 'idempotency-key': randomUUID() },
    }))
    const held = await json(await quote(browser, { year: YEAR, certNo: person.certNo, name: person.name }))
    expect(held.lines[0]).toMatchObject({ status: 'payable', heldBy: { mine: true, orderId: created.id } })

    await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
    const deadline = Date.now() + 5000
    while ((await findOrderBy(ctx.storage.db, 'id', created.id))!.status !== 'paid') {
      if (Date.now() > deadline) throw new Error('order not paid in time')
      await new Promise(r => setTimeout(r, 25))
    }
    const paid = await json(await quote(browser, { year: YEAR, certNo: person.certNo }))
    expect(paid).toMatchObject({ lines: [{ status: 'paid', dueFen: 0 }], totalFen: 0 })

    const audit = await auditOf(staff.account.id)
    expect(audit.map(e => [e.success, e.channel, (e.detail as { status?: string }).status])).toEqual([
      [true, 'help_desk', 'payable'],
      [true, 'help_desk', 'payable'],
      [true, 'help_desk', 'paid'],
    ])
  })

  it('takes the handle of a scanned 电子凭证, for the clerk who scanned only', async () => {
    const { browser } = await staffBrowser()
    const person = await payablePerson()
    const resident = new TestBrowser(ctx.stack.app)
    await resident.signInDirect(ctx.stack.deps, person)
    const { token } = await json(await resident.request('/api/v1/me/e-voucher'))
    const scan = await json(await browser.request('/api/v1/desk/e-vouchers/verify', { method: 'POST', json: { token } }))
    const res = await quote(browser, { year: YEAR, subject: scan.subject })
    expect(res.status).toBe(200)
    expect((await json(res)).lines[0].status).toBe('payable')

    const { browser: other } = await staffBrowser()
    const refused = await quote(other, { year: YEAR, subject: scan.subject })
    expect(refused.status).toBe(400)
    expect(await json(refused)).toMatchObject({ error: { code: 'DESK_SUBJECT_EXPIRED' } })
  })

  it('refuses another region\'s resident (403, audited), residents (403) and bad input (400, in Chinese)', async () => {
    const { browser, staff } = await staffBrowser(['370500'])
    const gz = await payablePerson('520000')
    const res = await quote(browser, { year: YEAR, certNo: gz.certNo })
    expect(res.status).toBe(403)
    expect(await json(res)).toMatchObject({ error: { code: 'OUT_OF_REGION' } })
    const audit = await auditOf(staff.account.id)
    expect(audit.map(e => [e.success, (e.detail as { outcome?: string }).outcome])).toEqual([[false, 'out_of_region']])

    const resident = new TestBrowser(ctx.stack.app)
    await resident.signInDirect(ctx.stack.deps, await payablePerson())
    expect((await quote(resident, { year: YEAR, certNo: gz.certNo })).status).toBe(403)

    for (const body of [{ year: YEAR }, { year: YEAR, certNo: '123' }, { year: YEAR, subject: 'x', certNo: gz.certNo }]) {
      const bad = await quote(browser, body)
      expect(bad.status).toBe(400)
      const err = (await json(bad)).error
      expect(err.code).toBe('VALIDATION_FAILED')
      expect(err.message).toMatch(/[\u4E00-\u9FFF]/)
    }
  })
})
