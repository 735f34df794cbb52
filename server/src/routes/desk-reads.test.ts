import type { TestBrowser as Browser } from '../testing/auth'
import { and, eq, inArray } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { DESK_SUBJECT_TTL_MS, sealDeskSubject } from '../lib/desk-subject'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'
import { pdfText } from '../testing/pdf'
import { createTestStaff, signInStaff } from '../testing/staff'

// The real bureau sandbox (1101, 5203/5206/5260/5301, tax, WeChat Pay) behind a real BFF, on loopback.
const { ctx, paidResident, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR

/** Someone of the sandbox with inpatient settlements (slips) on file. */
const hasSlips = (p: { psnNo: string }) => ctx.stack.sandbox.state.settlements.listForPerson(p.psnNo).length > 0

async function clerk(regions = ['370500']) {
  const browser = new TestBrowser(ctx.stack.app)
  const staff = await createTestStaff(ctx.stack.deps, { role: 'clerk', regions })
  await signInStaff(browser, ctx.stack.deps, staff)
  return { browser, id: staff.account.id }
}

/** The clerk scans the resident's 医保电子凭证 (shown on the resident's phone); returns the sealed handle. */
async function scan(desk: Browser, resident: Browser): Promise<string> {
  const { token } = await json(await resident.request('/api/v1/me/e-voucher'))
  const scanned = await json(await desk.request('/api/v1/desk/e-vouchers/verify', { method: 'POST', json: { token } }))
  return scanned.subject as string
}

const read = (b: Browser, path: string, body: unknown) => b.request(`/api/v1/desk/reads${path}`, { method: 'POST', json: body })

const ACTIONS = ['desk.evoucher.verify', 'desk.coverage.read', 'desk.slip.list', 'desk.slip.read', 'desk.slip.explain', 'desk.slip.pdf', 'desk.receipt.list', 'desk.receipt.pdf']
async function auditOf(actorId: string) {
  return ctx.storage.db.select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), inArray(auditEvents.action, ACTIONS)))
    .orderBy(auditEvents.id)
}
const outcome = (e: { detail: unknown }) => (e.detail as { outcome?: string } | null)?.outcome

describe('desk reads: coverage, slips and receipts for the resident at the counter', () => {
  it('reads a scanned resident\'s coverage, slips (view, explanation, PDF) and receipts, masked and audited', async () => {
    const { person, browser: resident, order, line } = await paidResident(YEAR, { where: hasSlips })
    const desk = await clerk()
    const subject = await scan(desk.browser, resident)

    const coverage = await read(desk.browser, '/coverage', { subject })
    expect(coverage.status).toBe(200)
    expect(coverage.headers.get('cache-control')).toBe('no-store')
    const cov = await json(coverage)
    // The same content as the resident's own page (less whose link it is).
    const own = await json(await resident.request('/api/v1/coverage'))
    expect(cov).toMatchObject({ stale: false, person: own.person, current: own.current, entitlements: own.entitlements })
    expect(cov.person.certNo).not.toBe(person.certNo)
    expect(JSON.stringify(cov)).not.toContain(person.certNo)

    const list = await json(await read(desk.browser, '/slips', { subject }))
    expect(list.total).toBeGreaterThan(0)
    const own2 = await json(await resident.request(`/api/v1/slips?year=${list.year}`))
    expect(list.items).toEqual(own2.items)
    const setlId = list.items[0].id as string

    const view = await read(desk.browser, '/slips/view', { subject, setlId })
    expect(view.status).toBe(200)
    expect(await json(view)).toEqual(await json(await resident.request(`/api/v1/slips/${setlId}`)))
    const explanation = await read(desk.browser, '/slips/explanation', { subject, setlId })
    expect(explanation.status).toBe(200)
    expect(await json(explanation)).toEqual(await json(await resident.request(`/api/v1/slips/${setlId}/explanation`)))

    const pdf = await read(desk.browser, '/slips/pdf', { subject, setlId })
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    const slipText = pdfText(Buffer.from(await pdf.arrayBuffer()))
    expect(slipText).toContain(setlId)
    expect(slipText).not.toContain(person.certNo)

    const receipts = await json(await read(desk.browser, '/receipts', { subject }))
    expect(receipts.receipts).toEqual([expect.objectContaining({
      orderId: order.id,
      lineId: line.id,
      code: line.receiptCode,
      year: YEAR,
      amountFen: line.amountFen,
      valid: true,
      atDesk: false,
    })])
    expect(JSON.stringify(receipts)).not.toContain(person.certNo)
    const receipt = await read(desk.browser, '/receipts/pdf', { subject, lineId: line.id })
    expect(receipt.status).toBe(200)
    expect(receipt.headers.get('content-type')).toBe('application/pdf')
    const receiptText = pdfText(Buffer.from(await receipt.arrayBuffer()))
    expect(receiptText).toContain(line.receiptCode)
    expect(receiptText).not.toContain(person.certNo)

    // Each read: the clerk as actor, the resident as subject, on the help desk channel.
    const events = await auditOf(desk.id)
    expect(events.map(e => [e.action, e.success, e.channel, e.subjectMasked, e.target])).toEqual([
      ['desk.evoucher.verify', true, 'help_desk', expect.stringMatching(/\*{8}/), null],
      ['desk.coverage.read', true, 'help_desk', events[0]!.subjectMasked, null],
      ['desk.slip.list', true, 'help_desk', events[0]!.subjectMasked, null],
      ['desk.slip.read', true, 'help_desk', events[0]!.subjectMasked, `slip:${setlId}`],
      ['desk.slip.explain', true, 'help_desk', events[0]!.subjectMasked, `slip:${setlId}`],
      ['desk.slip.pdf', true, 'help_desk', events[0]!.subjectMasked, `slip:${setlId}`],
      ['desk.receipt.list', true, 'help_desk', events[0]!.subjectMasked, null],
      ['desk.receipt.pdf', true, 'help_desk', events[0]!.subjectMasked, `line:${line.id}`],
    ])
    expect(new Set(events.map(e => e.subjectRef)).size).toBe(1)
  })

  it('reads by a typed ID number too, and lists a receipt the desk took as well', async () => {
    const person = await payablePerson(YEAR)
    const desk = await clerk()
    const { randomUUID } = await import('node:crypto')
    const created = await json(await desk.browser.request('/api/v1/desk/payments/orders', {
      method: 'POST',
      json: { year: YEAR, name: person.name, certNo: person.certNo },
      headers: { 'idempotency-key': randomUUID() },
    }))
    await ctx.stack.control(`/orders/${created.outTradeNo}/pay`, {})
    const { waitFor } = await import('../testing/http')
    const list = await waitFor('receipt issued', async () => json(await read(desk.browser, '/receipts', { certNo: person.certNo })),
      r => r.receipts.length === 1)
    expect(list.receipts[0]).toMatchObject({ orderId: created.id, atDesk: true, year: YEAR })
    const cov = await read(desk.browser, '/coverage', { certNo: person.certNo })
    expect(cov.status).toBe(200)
  })

  it('refuses another region\'s resident, a slip or receipt not theirs, and an expired or foreign handle — all audited', async () => {
    const gz = await payablePerson(YEAR, '520000')
    const { person, browser: resident, line } = await paidResident(YEAR)
    const desk = await clerk(['370500'])

    for (const path of ['/coverage', '/slips', '/receipts']) {
      const res = await read(desk.browser, path, { certNo: gz.certNo })
      expect(res.status).toBe(403)
      expect(await json(res)).toMatchObject({ error: { code: 'OUT_OF_REGION', message: expect.stringMatching(/[\u4E00-\u9FFF]/) } })
    }
    // Somebody else's slip or receipt line is not found for this resident (and the attempt is on record).
    const other = ctx.stack.sandbox.state.residents.listPersons({ policyRegion: '370500' }).find(p => hasSlips(p) && p.certNo !== person.certNo)!
    const foreignSlip = ctx.stack.sandbox.state.settlements.listForPerson(other.psnNo)[0]!.setlId
    const subject = await scan(desk.browser, resident)
    const slip = await read(desk.browser, '/slips/view', { subject, setlId: foreignSlip })
    expect(slip.status).toBe(404)
    const { line: otherLine } = await paidResident(YEAR)
    const receipt = await read(desk.browser, '/receipts/pdf', { subject, lineId: otherLine.id })
    expect(receipt.status).toBe(404)
    expect(await json(receipt)).toMatchObject({ error: { code: 'NOT_FOUND' } })
    expect((await read(desk.browser, '/receipts/pdf', { subject, lineId: line.id })).status).toBe(200)

    // Another clerk cannot use this clerk's handle; nor can this clerk once it has expired.
    const other2 = await clerk(['370500'])
    const foreign = await read(other2.browser, '/coverage', { subject })
    expect(foreign.status).toBe(400)
    expect(await json(foreign)).toMatchObject({ error: { code: 'DESK_SUBJECT_EXPIRED', message: expect.stringMatching(/[\u4E00-\u9FFF]/) } })
    // A handle this clerk sealed a visit ago (the staff session itself is still fresh).
    const longAgo = new Date(ctx.stack.clock.now().getTime() - DESK_SUBJECT_TTL_MS - 1000)
    const old = sealDeskSubject(ctx.stack.deps.vault, desk.id, person, longAgo, 'evoucher').subject
    const expired = await read(desk.browser, '/slips', { subject: old })
    expect(expired.status).toBe(400)
    expect(await json(expired)).toMatchObject({ error: { code: 'DESK_SUBJECT_EXPIRED' } })

    const events = await auditOf(desk.id)
    const refused = events.filter(e => !e.success).map(e => [e.action, outcome(e), e.target])
    expect(refused).toEqual([
      ['desk.coverage.read', 'out_of_region', null],
      ['desk.slip.list', 'out_of_region', null],
      ['desk.receipt.list', 'out_of_region', null],
      ['desk.slip.read', 'NOT_FOUND', `slip:${foreignSlip}`],
      ['desk.receipt.pdf', 'NOT_FOUND', `line:${otherLine.id}`],
      ['desk.slip.list', 'DESK_SUBJECT_EXPIRED', null],
    ])
    expect(events.filter(e => !e.success && outcome(e) === 'out_of_region').every(e => e.subjectRegion?.startsWith('52'))).toBe(true)
    expect((await auditOf(other2.id)).map(e => [e.action, e.success, outcome(e)])).toEqual([['desk.coverage.read', false, 'DESK_SUBJECT_EXPIRED']])
  })

  it('answers bad input with the Chinese error envelope, and residents not at all', async () => {
    const desk = await clerk()
    const person = await payablePerson(YEAR)
    const bad: [string, unknown][] = [
      ['/coverage', {}],
      ['/coverage', { certNo: '123' }],
      ['/coverage', { certNo: person.certNo, subject: 'x' }],
      ['/slips', { certNo: person.certNo, year: 1999 }],
      ['/slips', { certNo: person.certNo, pageSize: 51 }],
      ['/slips/view', { certNo: person.certNo }],
      ['/slips/explanation', { certNo: person.certNo, setlId: '../x' }],
      ['/slips/pdf', { certNo: person.certNo, setlId: '' }],
      ['/receipts', { subject: '' }],
      ['/receipts/pdf', { certNo: person.certNo }],
      ['/receipts/pdf', { certNo: person.certNo, lineId: 'a b' }],
    ]
    for (const [path, body] of bad) {
      const res = await read(desk.browser, path, body)
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400)
      const { error } = await json(res)
      expect(error.code).toBe('VALIDATION_FAILED')
      expect(error.message).toMatch(/[\u4E00-\u9FFF]/)
    }
    const resident = new TestBrowser(ctx.stack.app)
    await resident.signInDirect(ctx.stack.deps, person)
    expect((await read(resident, '/coverage', { certNo: person.certNo })).status).toBe(403)
  })
})
