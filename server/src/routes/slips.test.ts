import type { Storage } from '../storage/types'
import { delay, http, HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditForSubject } from '../storage/audit'
import { TestBrowser } from '../testing/auth'
import { mswServer } from '../testing/msw'
import { DONGYING_ADULT, DONGYING_CHILD, envelope, FENGXIANG_CHILD, GUIZHOU_POVERTY, NHSA_TEST_ENDPOINT } from '../testing/nhsa-handlers'
import { settlementFixture, settlementTransaction, SLIP_IDS } from '../testing/settlement-fixtures'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { json } from '../testing/http'
import { pdfText } from '../testing/pdf'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

const now = () => new Date('2026-11-22T04:00:00Z')
async function signIn(person: { psn_name: string, certno: string }, env: Record<string, string> = {}) {
  const t = createTestApp({ storage, now, env })
  const b = new TestBrowser(t.app)
  await b.signInDirect(t.deps, { name: person.psn_name, certNo: person.certno })
  return { ...t, b }
}

/** Lets a 5203 / 5260 call fail in a given way; other transactions keep their happy path. */
function failSettlements(reply: () => Promise<Response> | Response) {
  mswServer.use(http.post(NHSA_TEST_ENDPOINT, async ({ request }) => {
    const body = await request.clone().json() as { infno: string }
    if (body.infno === '5203' || body.infno === '5260') return reply()
    return undefined
  }))
}

describe('GET /api/v1/slips (list)', () => {
  it('pages a year of slips, newest first, with the total', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    const first = await json(await b.request('/api/v1/slips?year=2026&page=1&pageSize=2'))
    expect(first).toMatchObject({ year: 2026, page: 1, pageSize: 2, total: 3 })
    expect(first.items.map((s: { id: string }) => s.id)).toEqual([SLIP_IDS.dongying2026c, SLIP_IDS.dongying2026b])
    expect(first.items[1]).toEqual({
      id: SLIP_IDS.dongying2026b,
      settledAt: '2026-06-18T11:02:33.000+08:00',
      admittedAt: '2026-06-11T09:00:00.000+08:00',
      dischargedAt: '2026-06-18T10:30:00.000+08:00',
      hospitalName: '东营区人民医院',
      medType: '21',
      medTypeLabel: '普通住院',
      total: 12_000_00,
      fundPay: 10_110_00,
      personalCash: 1_890_00,
    })
    const second = await json(await b.request('/api/v1/slips?year=2026&page=2&pageSize=2'))
    expect(second.items.map((s: { id: string }) => s.id)).toEqual([SLIP_IDS.dongying2026a])
    expect(second.total).toBe(3)
  })

  it('defaults to the current year (Shanghai) and lists other years on request', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    expect(await json(await b.request('/api/v1/slips'))).toMatchObject({ year: 2026, total: 3 })
    const y2025 = await json(await b.request('/api/v1/slips?year=2025'))
    expect(y2025.items.map((s: { id: string }) => s.id)).toEqual([SLIP_IDS.dongying2025a])
    expect(await json(await b.request('/api/v1/slips?year=2024'))).toMatchObject({ total: 0, items: [] })
  })

  it('with no year asked, opens on the newest year that has slips (this year empty: last year\'s), audited once', async () => {
    const { b, deps } = await signIn(FENGXIANG_CHILD)
    const list = await json(await b.request('/api/v1/slips'))
    expect(list).toMatchObject({ year: 2025, page: 1, total: 1 })
    expect(list.items.map((s: { id: string }) => s.id)).toEqual([SLIP_IDS.fengxiang2025a])
    // Asked for, this year is this year, empty or not.
    expect(await json(await b.request('/api/v1/slips?year=2026'))).toMatchObject({ year: 2026, total: 0, items: [] })
    const reads = (await listAuditForSubject(storage.db, deps.vault.ref(FENGXIANG_CHILD.certno)))
      .filter(e => e.action === 'slip.list')
    expect(reads).toHaveLength(2)
  })

  it('with no year asked and no slips in the last five years, answers this year, empty', async () => {
    const { b } = await signIn(GUIZHOU_POVERTY)
    const asked: string[] = []
    mswServer.use(http.post(NHSA_TEST_ENDPOINT, async ({ request }) => {
      const body = await request.clone().json() as { infno: string, input: { data: Record<string, unknown> } }
      if (body.infno !== '5260') return undefined
      asked.push(`${body.input.data.begndate}~${body.input.data.enddate}`)
      // Nobody's settlements: an empty list of every year.
      const r = settlementTransaction('5260', { ...body.input.data, psn_no: 'nobody' })
      return HttpResponse.json(envelope(r.infcode, r.output, r.errMsg))
    }))
    expect(await json(await b.request('/api/v1/slips'))).toMatchObject({ year: 2026, total: 0, items: [] })
    expect(asked).toEqual([2026, 2025, 2024, 2023, 2022].map(y => `${y}-01-01~${y}-12-31`))
  })

  it('refuses a page size over 50 with a Chinese field message', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    const res = await b.request('/api/v1/slips?pageSize=51')
    expect(res.status).toBe(400)
    expect(await json(res)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { pageSize: '每页最多50条' } } })
  })

  it('lists a bound family member\'s slips and audits the read with channel family', async () => {
    const { b, deps } = await signIn(DONGYING_ADULT)
    const link = await json(await b.request('/api/v1/family/links', { method: 'POST', json: { name: DONGYING_CHILD.psn_name, certNo: DONGYING_CHILD.certno } }))
    const list = await json(await b.request(`/api/v1/slips?year=2026&member=${link.id}`))
    expect(list.items.map((s: { id: string }) => s.id)).toEqual([SLIP_IDS.dongyingChild2026a])
    const detail = await b.request(`/api/v1/slips/${SLIP_IDS.dongyingChild2026a}?member=${link.id}`)
    expect(detail.status).toBe(200)
    expect((await json(detail)).person).toMatchObject({ name: '刘**', certNo: '370502********0825' })
    const events = await listAuditForSubject(storage.db, deps.vault.ref(DONGYING_CHILD.certno))
    expect(events.slice(0, 2).map(e => `${e.channel}:${e.action}:${e.success}`)).toEqual(['family:slip.read:true', 'family:slip.list:true'])
  })
})

describe('GET /api/v1/slips/:setlId (detail)', () => {
  it('normalises Guizhou drift, masks the person and shows the unknown fund code as 其他', async () => {
    const { b, deps } = await signIn(GUIZHOU_POVERTY)
    const res = await b.request(`/api/v1/slips/${SLIP_IDS.guizhou2026a}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const slip = await json(res)
    expect(slip).toMatchObject({
      id: SLIP_IDS.guizhou2026a,
      person: { name: '杨**', certNo: '522601********0518', sex: 'male', age: 40 },
      hospital: { name: '凯里市第一人民医院', level: 2, grade: '二级甲等' },
      medTypeLabel: '普通住院',
      diagnosis: '胆囊结石伴慢性胆囊炎',
      days: 7,
      amounts: { total: 20_000_00, outOfList: 2_600_00, inPolicy: 17_400_00, deductible: 400_00, basic: 13_600_00, critical: 0, assistance: 2_660_00, other: 500_00, hospital: 600_00, fundTotal: 16_760_00, personalBurden: 2_640_00, personalCash: 2_640_00 },
      fundGroups: { basic: 13_600_00, critical: 0, assistance: 2_660_00, hospital: 600_00, other: 500_00 },
    })
    expect(slip.fundLines.map((l: { code: string, label: string, amount: number }) => [l.code, l.label, l.amount])).toEqual([
      ['390100', '城乡居民基本医疗保险基金', 13_600_00],
      ['610100', '医疗救助基金', 2_000_00],
      ['610102', '医疗再救助', 660_00],
      ['630101', '医院减免', 600_00],
      ['529901', '其他', 500_00],
    ])
    expect(slip.verificationCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    // The bureau's own name of the unknown fund and the full ID number never reach the client.
    const text = JSON.stringify(slip)
    expect(text).not.toContain('防返贫')
    expect(text).not.toContain(GUIZHOU_POVERTY.certno)
    const events = await listAuditForSubject(storage.db, deps.vault.ref(GUIZHOU_POVERTY.certno))
    expect(events[0]).toMatchObject({ channel: 'self', action: 'slip.read', success: true, target: `slip:${SLIP_IDS.guizhou2026a}` })
  })

  it('normalises Shaanxi drift (cash_payamt, ownpay_amt)', async () => {
    const { b } = await signIn(FENGXIANG_CHILD)
    const slip = await json(await b.request(`/api/v1/slips/${SLIP_IDS.fengxiang2025a}`))
    expect(slip.amounts).toMatchObject({ outOfList: 400_00, personalCash: 2_022_00, basic: 3_978_00 })
    expect(slip.hospital).toMatchObject({ level: 2, grade: '二级甲等' })
  })
})

describe('GET /api/v1/slips/:setlId/explanation', () => {
  it('agrees with a slip that follows the policy, carrying the earlier slip of the year', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    const e = await json(await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026b}/explanation`))
    expect(e).toMatchObject({ status: 'match', priorSlips: 1, policy: { id: 'dongying-2020' }, yearToDate: { criticalBurden: 18_600_00, criticalPaid: 1_560_00, basicPaid: 26_400_00, assistancePaid: 0 } })
    expect(e.rows.every((r: { matches: boolean }) => r.matches)).toBe(true)
    expect(e.estimate.steps[1].text).toContain('今年之前已累计 18,600.00 元')
  })

  it('shows both figures where the slip differs from the policy', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    const e = await json(await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026c}/explanation`))
    expect(e.status).toBe('differs')
    expect(e.priorSlips).toBe(2)
    expect(e.rows.filter((r: { matches: boolean }) => !r.matches)).toEqual([
      { key: 'deductible', bureau: 500_00, policy: 200_00, difference: 300_00, matches: false },
      { key: 'basic', bureau: 2_125_00, policy: 2_380_00, difference: -255_00, matches: false },
      { key: 'personal', bureau: 503_00, policy: 248_00, difference: 255_00, matches: false },
    ])
  })

  it('counts funds outside the policy before comparing the personal share (Guizhou, 就高)', async () => {
    const { b } = await signIn(GUIZHOU_POVERTY)
    const e = await json(await b.request(`/api/v1/slips/${SLIP_IDS.guizhou2026a}/explanation`))
    expect(e).toMatchObject({ status: 'match', otherFunds: 500_00, statuses: ['poverty_registered', 'minimum_living'], estimate: { appliedStatus: 'poverty_registered', personalPay: 3_140_00 } })
  })
})

describe('GET /api/v1/slips/:setlId/pdf', () => {
  it('returns an A4 PDF with the CJK font embedded', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    const res = await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}/pdf`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toContain(`slip-${SLIP_IDS.dongying2026a}.pdf`)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const text = bytes.toString('latin1')
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+WenQuanYiMicroHei/)
    expect(text).toContain('/MediaBox [0 0 595.28 841.89]')
  })

  it('prints the QR code of the public 结算单核验 page with its address (校验码 and 结算编号, no amounts) under it', async () => {
    const origin = 'https://yibao.example.gov.cn'
    const { b } = await signIn(DONGYING_ADULT, { PUBLIC_ORIGIN: origin })
    const { verificationCode } = await json(await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}`))
    const res = await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}/pdf`)
    expect(res.status).toBe(200)
    const pdf = Buffer.from(await res.arrayBuffer())
    const url = `${origin}/slips/verify?code=${verificationCode}&setlId=${SLIP_IDS.dongying2026a}`
    const lines = pdfText(pdf).split('\n')
    expect(lines).toContain(url)
    expect(lines).toContain(`校验码：${verificationCode}`)
    expect(lines.some(l => l.includes('扫描右侧二维码'))).toBe(true)
    // A link in a PDF reader too.
    expect(pdf.toString('latin1')).toContain(`/URI (${url})`)
  })

  it('takes the request\'s own origin for the address when PUBLIC_ORIGIN is not set', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    const { verificationCode } = await json(await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}`))
    const pdf = Buffer.from(await (await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}/pdf`)).arrayBuffer())
    expect(pdfText(pdf).split('\n'))
      .toContain(`http://localhost/slips/verify?code=${verificationCode}&setlId=${SLIP_IDS.dongying2026a}`)
  })

  it('answers a clear Chinese 503 when no CJK font is installed, rather than a PDF of empty boxes', async () => {
    const { b } = await signIn(DONGYING_ADULT, { SLIP_PDF_FONT: '/nonexistent/font.ttf' })
    const res = await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}/pdf`)
    expect(res.status).toBe(503)
    expect(await json(res)).toMatchObject({ error: { code: 'SLIP_PDF_UNAVAILABLE', message: expect.stringContaining('缺少中文字体') } })
  })
})

describe('IDOR: a slip belongs to the resolved subject\'s psn_no, never to whoever knows its id', () => {
  for (const suffix of ['', '/explanation', '/pdf']) {
    it(`another resident's slip id → 404 on /:setlId${suffix}, recorded as a failed read`, async () => {
      const { b, deps } = await signIn(GUIZHOU_POVERTY)
      const res = await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}${suffix}`)
      expect(res.status).toBe(404)
      expect(await json(res)).toMatchObject({ error: { code: 'NOT_FOUND', message: '没有找到相关记录' } })
      const events = await listAuditForSubject(storage.db, deps.vault.ref(GUIZHOU_POVERTY.certno))
      expect(events[0]).toMatchObject({ channel: 'self', success: false, target: `slip:${SLIP_IDS.dongying2026a}` })
    })
  }

  it('a family link of somebody else, or a link id with another member\'s slip → 404; no session → 401', async () => {
    const owner = await signIn(DONGYING_ADULT)
    // The child's link (made by an earlier test, or now).
    await owner.b.request('/api/v1/family/links', { method: 'POST', json: { name: DONGYING_CHILD.psn_name, certNo: DONGYING_CHILD.certno } })
    const links = await json(await owner.b.request('/api/v1/family/links'))
    const linkId = links.find((l: { status: string }) => l.status === 'active').id
    const stranger = await signIn(FENGXIANG_CHILD)
    for (const path of ['', `/${SLIP_IDS.dongyingChild2026a}`, `/${SLIP_IDS.dongyingChild2026a}/explanation`, `/${SLIP_IDS.dongyingChild2026a}/pdf`])
      expect((await stranger.b.request(`/api/v1/slips${path}?member=${linkId}`)).status).toBe(404)
    // The owner's own slip asked through the child's link: not the child's → 404.
    expect((await owner.b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}?member=${linkId}`)).status).toBe(404)
    // The child's slip without the link: not the owner's → 404.
    expect((await owner.b.request(`/api/v1/slips/${SLIP_IDS.dongyingChild2026a}`)).status).toBe(404)
    expect((await new TestBrowser(owner.app).request(`/api/v1/slips/${SLIP_IDS.dongying2026a}`)).status).toBe(401)
    expect((await new TestBrowser(owner.app).request('/api/v1/slips')).status).toBe(401)
  })
})

describe('reads reused on one instance, never across people', () => {
  it('reads a slip from the bureau once for its owner, and still answers 404 to another resident on the same instance', async () => {
    const t = createTestApp({ storage, now })
    const owner = new TestBrowser(t.app)
    await owner.signInDirect(t.deps, { name: DONGYING_ADULT.psn_name, certNo: DONGYING_ADULT.certno })
    const asked: string[] = []
    const listen = async ({ request }: { request: Request }) => {
      if (request.url === NHSA_TEST_ENDPOINT) asked.push((await request.clone().json() as { infno: string }).infno)
    }
    mswServer.events.on('request:start', listen)
    try {
      const first = await json(await owner.request(`/api/v1/slips/${SLIP_IDS.dongying2026b}`))
      const second = await json(await owner.request(`/api/v1/slips/${SLIP_IDS.dongying2026b}`))
      expect(second).toEqual(first)
      await new Promise(r => setTimeout(r, 10))
      expect(asked.filter(i => i === '5203')).toHaveLength(1)
      expect(asked.filter(i => i === '1101')).toHaveLength(1)

      const other = new TestBrowser(t.app)
      await other.signInDirect(t.deps, { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno })
      const res = await other.request(`/api/v1/slips/${SLIP_IDS.dongying2026b}`)
      expect(res.status).toBe(404)
      expect(await res.text()).not.toContain('东营区人民医院')
    }
    finally {
      mswServer.events.removeListener('request:start', listen)
    }
    // Both of the owner's reads are on their access record.
    const reads = (await listAuditForSubject(storage.db, t.deps.vault.ref(DONGYING_ADULT.certno))).filter(e => e.action === 'slip.read' && e.target === `slip:${SLIP_IDS.dongying2026b}`)
    expect(reads.length).toBeGreaterThanOrEqual(2)
  })
})

describe('upstream failures', () => {
  it('504 with the Chinese envelope when the bureau times out', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    failSettlements(async () => {
      await delay(1000)
      return HttpResponse.json({})
    })
    const res = await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}`)
    expect(res.status).toBe(504)
    expect(await json(res)).toMatchObject({ error: { code: 'UPSTREAM_TIMEOUT', message: '医保信息平台响应超时，请稍后再试', requestId: expect.any(String) } })
  })

  it('502 when the bureau refuses, sends a bad shape or is down', async () => {
    const { b } = await signIn(DONGYING_ADULT)
    failSettlements(() => HttpResponse.json({ infcode: -1, err_msg: '系统维护中', output: null }))
    const refused = await b.request('/api/v1/slips?year=2026')
    expect(refused.status).toBe(502)
    const body = await json(refused)
    expect(body).toMatchObject({ error: { code: 'UPSTREAM_REJECTED' } })
    expect(JSON.stringify(body)).not.toContain('系统维护中')

    const broken = settlementFixture(SLIP_IDS.dongying2026a)
    failSettlements(() => HttpResponse.json({ infcode: 0, output: { ...broken, setlinfo: { ...broken.setlinfo, hifp_pay: '两万六' } } }))
    expect(await json(await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}`))).toMatchObject({ error: { code: 'UPSTREAM_BAD_RESPONSE' } })

    failSettlements(() => new HttpResponse('bad gateway', { status: 502 }))
    const down = await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}/explanation`)
    expect(down.status).toBe(502)
    expect(await json(down)).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } })
  })
})

describe('GET /api/v1/slips/verify/:code (public)', () => {
  it('confirms a printed slip by its code, id and totals, and reveals nothing else', async () => {
    const { b, app } = await signIn(DONGYING_ADULT)
    const slip = await json(await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}`))
    const anonymous = new TestBrowser(app)
    const check = (code: string, total: string, cash: string) => anonymous.request(`/api/v1/slips/verify/${code}?setlId=${SLIP_IDS.dongying2026a}&total=${total}&personalCash=${cash}`)
    const ok = await check(slip.verificationCode, '50000.00', '22040')
    expect(ok.status).toBe(200)
    expect(await json(ok)).toEqual({ valid: true })
    // Lower case without hyphens is the same code.
    expect(await json(await check(slip.verificationCode.replaceAll('-', '').toLowerCase(), '50000', '22040.00'))).toEqual({ valid: true })
    // A changed total or another code: not valid.
    expect(await json(await check(slip.verificationCode, '50000.00', '2204.00'))).toEqual({ valid: false })
    expect(await json(await check('ABCD-EFGH-JKMN', '50000.00', '22040.00'))).toEqual({ valid: false })
    const bad = await check('short', '50000.00', '22040.00')
    expect(bad.status).toBe(400)
    expect(await json(bad)).toMatchObject({ error: { code: 'VALIDATION_FAILED', fields: { code: '校验码应为12位字母和数字' } } })
  })

  it('keeps the code out of the request log (the route is logged, not the code)', async () => {
    const { b, app, logs } = await signIn(DONGYING_ADULT)
    const { verificationCode } = await json(await b.request(`/api/v1/slips/${SLIP_IDS.dongying2026a}`))
    const query = `?setlId=${SLIP_IDS.dongying2026a}&total=50000.00&personalCash=22040`
    expect(await json(await new TestBrowser(app).request(`/api/v1/slips/verify/${verificationCode}${query}`)))
      .toEqual({ valid: true })
    const all = logs.join('')
    expect(all).toContain('"path":"/api/v1/slips/verify/:code"')
    expect(all).not.toContain(verificationCode)
    expect(all).not.toContain(verificationCode.replaceAll('-', ''))
  })
})
