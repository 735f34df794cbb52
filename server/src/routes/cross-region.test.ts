import { randomUUID } from 'node:crypto'
import { shanghaiDate } from '@yibao/shared'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEvents } from '../storage/schema'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { usePaymentStack } from '../testing/payment-stack'
import { json } from '../testing/http'

// The real bureau sandbox (2551/2552/5302) behind a real BFF, on loopback.
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR

/** A Shanghai date `n` days from the stack's today (its clock, not the machine's). */
function daysFromToday(n: number): string {
  return shanghaiDate(new Date(ctx.stack.clock.now().getTime() + n * 86_400_000))
}

async function resident() {
  const person = await payablePerson(YEAR)
  const browser = new TestBrowser(ctx.stack.app)
  const account = await browser.signInDirect(ctx.stack.deps, person)
  return { person, browser, account }
}

const post = (b: TestBrowser, path: string, body: unknown, key: string | null = randomUUID()) =>
  b.request(`/api/v1/cross-region/filings${path}`, { method: 'POST', json: body, headers: key ? { 'idempotency-key': key } : {} })
const list = async (b: TestBrowser) => json(await b.request('/api/v1/cross-region/filings'))

const TRIP = { type: 'temporary', destination: '440300', phone: '13800138000' }
const ADDRESS = '广东省深圳市南山区科技园路1号'
/** 异地长期居住 to 深圳 on a residence proof (居住证明: its kind and number). */
const onProof = (number: string, startDate: string) => ({
  ...TRIP,
  type: 'long_term_resident',
  address: ADDRESS,
  basis: 'residence_proof',
  residenceProof: { kind: 'residence_permit', number },
  startDate,
})

describe('异地就医备案 (/api/v1/cross-region/filings)', () => {
  it('files a temporary trip for six months, refuses a second filing in the bureau\'s words, changes it and cancels it', async () => {
    const { browser, account } = await resident()
    const before = await list(browser)
    expect(before.filings.filter((f: { status: string }) => f.status === 'valid')).toEqual([])

    const today = daysFromToday(0)
    const key = randomUUID()
    const res = await post(browser, '', { ...TRIP, startDate: today }, key)
    expect(res.status).toBe(201)
    const filed = await json(res)
    expect(filed).toMatchObject({ type: 'temporary', typeLabel: '其他临时外出就医人员', destination: '440300', startDate: today, status: 'valid', longTerm: false, phone: '138****8000', canChange: true, lockedUntil: null })
    expect(filed.endDate > today).toBe(true)
    // The same confirmation again is the same filing.
    const replay = await post(browser, '', { ...TRIP, startDate: today }, key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect((await json(replay)).id).toBe(filed.id)

    const second = await post(browser, '', { ...TRIP, destination: '310100', startDate: today })
    expect(second.status).toBe(409)
    expect(await json(second)).toMatchObject({ error: { code: 'CROSS_REGION_REJECTED', message: '备案未成功：该人员已有有效的异地就医备案，请先变更或撤销' } })

    const changed = await post(browser, `/${filed.id}/change`, { ...TRIP, type: 'referral', destination: '310100', referralHospital: '东营市人民医院', startDate: today })
    expect(changed.status).toBe(201)
    const now = await json(changed)
    expect(now).toMatchObject({ type: 'referral', destination: '310100', referralHospital: '东营市人民医院', status: 'valid' })
    const afterChange = await list(browser)
    expect(afterChange.filings.find((f: { id: string }) => f.id === filed.id)).toMatchObject({ status: 'cancelled', canChange: false })

    const noReason = await post(browser, `/${now.id}/cancel`, {})
    expect(await json(noReason)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { reason: '请填写撤销原因' } } })
    const cancelled = await post(browser, `/${now.id}/cancel`, { reason: '行程取消' })
    expect(cancelled.status).toBe(200)
    expect(await json(cancelled)).toMatchObject({ id: now.id, status: 'cancelled', cancelReason: '行程取消' })
    // A cancelled filing says when and why (the bureau's 5302 keeps both); one in force has neither.
    const stamp = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/
    const after = await list(browser)
    const gone = after.filings.find((f: { id: string }) => f.id === now.id)
    expect(gone).toMatchObject({ status: 'cancelled', cancelReason: '行程取消', cancelledAt: expect.stringMatching(stamp) })
    expect(gone.cancelledAt.slice(0, 10)).toBe(today)
    expect(after.filings.find((f: { id: string }) => f.id === filed.id)).toMatchObject({ cancelReason: '变更备案' })
    expect(filed).toMatchObject({ cancelledAt: null, cancelReason: null })

    // Every step is in the person's 访问记录, the refusal too.
    const trail = await ctx.storage.db.select().from(auditEvents).where(eq(auditEvents.actorId, account.id))
    const steps = trail.filter(e => e.action.startsWith('cross_region.') && e.action !== 'cross_region.read').map(e => [e.action, e.success])
    expect(steps).toEqual([['cross_region.file', true], ['cross_region.file', false], ['cross_region.change', true], ['cross_region.cancel', true]])
  })

  it('checks what it can before asking the bureau: a 就医地 outside one\'s 统筹区, a basis for 异地长期居住', async () => {
    const { browser, person } = await resident()
    const home = `${person.certNo.slice(0, 4)}00`
    const res = await post(browser, '', { ...TRIP, destination: home, startDate: daysFromToday(0) })
    expect(res.status).toBe(400)
    const body = await json(res)
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(body.error.fields.destination).toBe('就医地不能是参保地所在统筹区，请选择其他城市')
    const fields = async (body: object) => (await json(await post(browser, '', body))).error.fields
    const long = { ...TRIP, type: 'long_term_resident', startDate: daysFromToday(0) }
    expect(await fields(long)).toEqual({ address: '请填写异地居住地址（至少5个字）', basis: '请选择办理方式：居住证明或个人承诺' })
    expect(await fields({ ...long, address: ADDRESS, basis: 'promise' })).toEqual({ promise: '请阅读并勾选个人承诺' })
    const badProof = { ...onProof('12', daysFromToday(0)), residenceProof: { kind: 'passport', number: '12' } }
    expect(await fields(badProof)).toEqual({
      'residenceProof.kind': '请选择居住证明类型',
      'residenceProof.number': '居住证明编号应为4–30位字母、数字或“-”',
    })
    // An array where the filing belongs: zod's zh-CN words, never its English.
    expect(await fields([TRIP])).toEqual({ _: '无效输入：期望 对象，实际接收 数组' })
    // A day the calendar does not have is the resident's mistake, said plainly: never the bureau's wire field name.
    for (const startDate of ['2027-02-30', '2027-13-01']) {
      const impossible = await json(await post(browser, '', { ...TRIP, startDate }))
      expect(impossible.error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { startDate: '日期不存在，请核对' } })
      expect(JSON.stringify(impossible)).not.toMatch(/begndate|开始日期\[/)
    }
  })

  describe('补办 (医保发〔2022〕22号: before 出院结算, no day count)', () => {
    it('gives the form the 参保地\'s rules: no earliest start, the national source, 180 days ahead', async () => {
      const { browser } = await resident()
      const { rules } = await list(browser)
      expect(rules).toEqual({
        today: daysFromToday(0),
        minStartDate: null,
        maxStartDate: daysFromToday(180),
        backdateDays: null,
        backdateSource: expect.stringContaining('医保发〔2022〕22号'),
        backdateAssumed: false,
        temporaryMonths: 6,
        promiseLockMonths: 6,
      })
    })

    it('files a long-term filing 200 days back once the resident confirms the stay is not settled yet', async () => {
      const { browser } = await resident()
      const back = daysFromToday(-200)
      const filing = onProof('440305199001011234', back)
      const unconfirmed = await post(browser, '', filing)
      expect(unconfirmed.status).toBe(400)
      expect(await json(unconfirmed)).toMatchObject({ error: { fields: { unsettled: '补办备案须在出院结算前办理，请确认本次就医尚未出院结算' } } })
      const res = await post(browser, '', { ...filing, unsettled: true })
      expect(res.status).toBe(201)
      expect(await json(res)).toMatchObject({ startDate: back, endDate: null, status: 'valid' })
    })

    it('files a temporary trip back to the day its six months still cover today, not further', async () => {
      const { browser } = await resident()
      const tooEarly = await post(browser, '', { ...TRIP, startDate: daysFromToday(-200), unsettled: true })
      expect(tooEarly.status).toBe(400)
      const ended = /^从\d{4}-\d{2}-\d{2}开始的临时备案到\d{4}-\d{2}-\d{2}已到期，请选择更晚的开始日期$/
      expect((await json(tooEarly)).error.fields.startDate).toMatch(ended)
      const res = await post(browser, '', { ...TRIP, startDate: daysFromToday(-100), unsettled: true })
      expect(res.status).toBe(201)
      expect(await json(res)).toMatchObject({ startDate: daysFromToday(-100), status: 'valid' })
    })
  })

  describe('异地长期居住: a 居住证明 or a 个人承诺 (医保发〔2022〕22号), the resident chooses', () => {
    it('files on a 居住证: the bureau gets kind and number, answers and logs show it masked, never locked', async () => {
      const { browser, account } = await resident()
      const number = 'A4403051990010112'
      const res = await post(browser, '', onProof(number, daysFromToday(0)))
      expect(res.status).toBe(201)
      const filed = await json(res)
      expect(filed).toMatchObject({
        basis: 'residence_proof',
        basisLabel: '居住证明',
        promise: false,
        residenceProof: { kind: 'residence_permit', kindLabel: '居住证', number: 'A4*************12' },
        lockedUntil: null,
        canChange: true,
      })
      // The bureau holds it as filed (its own fields: resd_cert_type, resd_certno).
      const held = ctx.stack.sandbox.state.residents.dataset.persons
        .flatMap(p => p.crossRegionFilings)
        .find(f => f.sn === filed.id)!
      expect(held).toMatchObject({ rlocRea: '04', promFlag: null, resdCertType: '01', resdCertno: number })
      // Never in clear outside the bureau: not in the list, the audit trail or the logs.
      expect(JSON.stringify(await list(browser))).not.toContain(number)
      const trail = await ctx.storage.db.select().from(auditEvents).where(eq(auditEvents.actorId, account.id))
      expect(JSON.stringify(trail)).not.toContain(number)
      expect(trail.find(e => e.action === 'cross_region.file')?.detail).toMatchObject({ basis: 'residence_proof' })
      expect(ctx.stack.logs.join('')).not.toContain(number)
      // May be cancelled at once: only the 承诺制 waits six months.
      const cancelled = await post(browser, `/${filed.id}/cancel`, { reason: '搬回参保地居住' })
      expect(cancelled.status).toBe(200)
      expect(await json(cancelled)).toMatchObject({ status: 'cancelled' })
    })

    it('locks a filing made on a 个人承诺 (承诺制) for six months (assumed: the 参保地 upper bound)', async () => {
      const { browser } = await resident()
      const onPromise = { ...TRIP, type: 'long_term_resident', address: ADDRESS, basis: 'promise', promise: true }
      const filed = await json(await post(browser, '', { ...onPromise, startDate: daysFromToday(0) }))
      expect(filed).toMatchObject({ endDate: null, longTerm: true, promise: true, canChange: false })
      expect(filed).toMatchObject({ basis: 'promise', basisLabel: '个人承诺', residenceProof: null })
      expect(filed.lockedUntil > daysFromToday(150)).toBe(true)
      const refused = await post(browser, `/${filed.id}/cancel`, { reason: '回原籍居住' })
      expect(refused.status).toBe(409)
      expect(await json(refused)).toMatchObject({
        error: { code: 'CROSS_REGION_LOCKED', message: '以个人承诺方式办理的长期居住备案，自开始之日起6个月内不能变更或撤销' },
      })
    })
  })

  it('never shows or touches another resident\'s filing, and audits reads and changes', async () => {
    const a = await resident()
    const b = await resident()
    const filed = await json(await post(a.browser, '', { ...TRIP, startDate: daysFromToday(1) }))
    expect(filed.status).toBe('upcoming')
    const stolen = await post(b.browser, `/${filed.id}/cancel`, { reason: '恶意撤销' })
    expect(stolen.status).toBe(404)
    expect((await list(b.browser)).filings.map((f: { id: string }) => f.id)).not.toContain(filed.id)
    expect((await a.browser.request('/api/v1/cross-region/filings?member=00000000-0000-4000-8000-000000000000')).status).toBe(404)
    const anonymous = new TestBrowser(ctx.stack.app)
    await anonymous.refreshSession()
    expect((await anonymous.request('/api/v1/cross-region/filings')).status).toBe(401)
    expect((await post(a.browser, '', { ...TRIP, startDate: daysFromToday(0) }, null)).status).toBe(400)

    const events = await ctx.storage.db.select().from(auditEvents).where(and(eq(auditEvents.actorId, a.account.id), eq(auditEvents.channel, 'self')))
    expect(events.map(e => e.action)).toEqual(expect.arrayContaining(['cross_region.file']))
    const reads = await ctx.storage.db.select().from(auditEvents).where(and(eq(auditEvents.actorId, b.account.id), eq(auditEvents.action, 'cross_region.read')))
    expect(reads.length).toBeGreaterThanOrEqual(1)
  })
})
