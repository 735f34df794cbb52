import type { Storage } from '../storage/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { ESTIMATES_RATE_LIMIT } from './estimates'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

interface ErrorBody { error: { code: string, message: string, requestId: string, fields?: Record<string, string> } }
interface Parts { basicPay: number, criticalPay: number, assistancePay: number, hospitalBorne: number, personalPay: number, total: number }

function post(body: unknown, headers: Record<string, string> = {}) {
  const { app } = createTestApp({ storage })
  return app.request('/api/v1/estimates', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } })
}

async function fieldsOf(body: unknown): Promise<Record<string, string>> {
  const res = await post(body)
  expect(res.status).toBe(400)
  const json = await res.json() as ErrorBody
  expect(json.error.code).toBe('VALIDATION_FAILED')
  expect(json.error.message).toBe('填写的信息有误，请检查后再提交')
  return json.error.fields ?? {}
}

function sum(r: Parts): number {
  return r.basicPay + r.criticalPay + r.assistancePay + r.hospitalBorne + r.personalPay
}

// 50 000 元 in a level-3 hospital, 5 000 元 of it outside the list.
const DONGYING_BILL = { policy: 'dongying-2020', hospitalLevel: 3, total: 5_000_000, outOfList: 500_000 } as const

describe('POST /api/v1/estimates', () => {
  it('words an array body in Chinese, never zod\'s English', async () => {
    const fields = await fieldsOf([DONGYING_BILL])
    expect(fields).toEqual({ _: '无效输入：期望 对象，实际接收 数组' })
  })

  it('splits a Dongying bill of an ordinary resident (hand-computed), not cacheable', async () => {
    const { client } = createTestApp({ storage })
    const res = await client.api.v1.estimates.$post({ json: { ...DONGYING_BILL, statuses: [] } })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const r = await res.json()
    // in-policy 50 000 − 5 000 = 45 000 元; deductible 1 000 元; basic 60 % × 44 000 = 26 400 元;
    // burden 45 000 − 26 400 = 18 600 元; critical 60 % × (18 600 − 16 000) = 1 560 元; no assistance.
    expect(r).toMatchObject({
      inPolicy: 4_500_000,
      deductible: 100_000,
      basicPay: 2_640_000,
      personalCompliantBurden: 1_860_000,
      criticalPay: 156_000,
      assistancePay: 0,
      hospitalBorne: 0,
      personalPay: 2_204_000,
      appliedStatus: null,
    })
    expect(sum(r)).toBe(5_000_000)
    expect(r.steps.map(s => s.tier)).toEqual(['basic', 'critical', 'assistance', 'personal'])
    const basic = r.steps[0]!
    expect(basic.text).toContain('剩下的 44,000.00 元由基本医保按 60% 报销，基本医保支付 26,400.00 元')
    expect(basic.source).toBe('东医保发〔2020〕56号 二(一)')
    expect(basic.assumed).toBe(true)
    expect(basic.assumptions).toContain('文件未给出各级医院起付线，参照山东省同期三级医院常见起付线1000元')
    // The critical-illness table is in the notice itself: no assumed mark.
    expect(r.steps[1]!.assumed).toBeUndefined()
  })

  it('applies the 低保 critical-illness table and 70 % assistance in Dongying', async () => {
    const res = await post({ ...DONGYING_BILL, statuses: ['minimum_living'], referred: true })
    const r = await res.json() as Parts & Record<string, unknown>
    // critical 65 % × (18 600 − 5 000) = 8 840 元; assistance 70 % × (18 600 − 8 840) = 6 832 元;
    // personal 5 000 (out of list) + 30 % × 9 760 = 7 928 元.
    expect(r).toMatchObject({ basicPay: 2_640_000, criticalPay: 884_000, assistancePay: 683_200, hospitalBorne: 0, personalPay: 792_800, appliedStatus: 'minimum_living' })
    expect(sum(r)).toBe(r.total)
  })

  it('has the hospital bear out-of-list costs above 10 % for a Guizhou 特困 person, and applies the referral rule', async () => {
    // 30 000 元 at level 2, 5 000 元 out of list. in-policy 25 000; basic 80 % × (25 000 − 400) = 19 680 元.
    const bill = { policy: 'guizhou-2019', statuses: ['extreme_poverty'], hospitalLevel: 2, total: 3_000_000, outOfList: 500_000 }
    const referred = await (await post({ ...bill, referred: true })).json() as Parts
    // Poverty table: threshold 9 000 × 0.5 = 4 500 元, 65 %: (5 320 − 4 500) × 65 % = 533 元.
    // Hospital: 5 000 − 10 % × 30 000 = 2 000 元. Assistance 70 % × (5 320 − 533) = 3 350.90 元.
    expect(referred).toMatchObject({ basicPay: 1_968_000, personalCompliantBurden: 532_000, criticalPay: 53_300, hospitalBorne: 200_000, assistancePay: 335_090, personalPay: 443_610 })
    expect(sum(referred)).toBe(3_000_000)
    // Not referred: the ordinary threshold (9 000 元) applies, so no critical-illness payout.
    const unreferred = await (await post({ ...bill, referred: false })).json() as Parts
    expect(unreferred).toMatchObject({ basicPay: 1_968_000, criticalPay: 0, hospitalBorne: 200_000, assistancePay: 372_400, personalPay: 459_600 })
    expect(sum(unreferred)).toBe(3_000_000)
  })

  it('tops a Fengxiang 建档立卡 person up to 80 % of the total', async () => {
    // 20 000 元 at level 2, 4 000 元 out of list: basic (78 + 10) % × (16 000 − 500) = 13 640 元;
    // target 16 000 元, so assistance 2 360 元; the person pays the 4 000 元 out of list.
    const r = await (await post({ policy: 'fengxiang-2020', statuses: ['poverty_registered'], hospitalLevel: 2, total: 2_000_000, outOfList: 400_000 })).json() as Parts
    expect(r).toMatchObject({ basicPay: 1_364_000, criticalPay: 0, assistancePay: 236_000, hospitalBorne: 0, personalPay: 400_000 })
  })

  it('uses the year-to-date amounts: basic fund cap and cumulative critical-illness burden', async () => {
    const r = await (await post({ ...DONGYING_BILL, statuses: [], yearToDate: { criticalBurden: 1_500_000, criticalPaid: 0, basicPaid: 24_000_000, assistancePaid: 0 } })).json() as Parts & { yearToDateAfter: unknown }
    // Basic: only 250 000 − 240 000 = 10 000 元 left. Burden 45 000 − 10 000 = 35 000 元, cumulative 50 000 元:
    // critical 60 % × (50 000 − 16 000) = 20 400 元.
    expect(r).toMatchObject({ basicPay: 1_000_000, criticalPay: 2_040_000, personalPay: 1_960_000 })
    expect(r.yearToDateAfter).toEqual({ criticalBurden: 5_000_000, criticalPaid: 2_040_000, basicPaid: 25_000_000, assistancePaid: 0 })
  })

  it('东医保发〔2020〕56号 二(二): counts a 重度残疾人 only as 未脱贫的一、二级重度残疾、三级智力/精神残疾', async () => {
    // 50 000 with 5 000 out of the list at level 3: basic 26 400, burden 18 600.
    const disabled = async (disability?: unknown) => {
      const facts = disability !== undefined && { disability }
      const body = { ...DONGYING_BILL, statuses: ['severe_disability'], ...facts }
      const res = await post(body)
      expect(res.status).toBe(200)
      type Step = { tier: string, text: string, source: string }
      return await res.json() as Parts & { appliedStatus: string | null, steps: Step[] }
    }
    // In scope: poverty threshold 5 000 → 65 % × 13 600 = 8 840.
    const mental = await disabled({ kind: 'mental', grade: 3, poor: true })
    expect(mental).toMatchObject({ criticalPay: 8_840_00, appliedStatus: 'severe_disability' })
    // 三级肢体残疾, or 已脱贫, or no facts: an ordinary resident, 60 % × 2 600 = 1 560.
    const outside = [{ kind: 'physical', grade: 3, poor: true }, { kind: 'mental', grade: 1, poor: false }, undefined]
    for (const facts of outside) {
      const r = await disabled(facts)
      expect(r).toMatchObject({ criticalPay: 1_560_00, appliedStatus: null })
      expect(r.steps.find(st => st.tier === 'critical')!.source).toContain('东医保发〔2020〕56号 二(二)')
    }
    const bad = { ...DONGYING_BILL, statuses: ['severe_disability'], disability: { kind: 'wing', grade: 5, poor: 0 } }
    expect(await fieldsOf(bad)).toEqual({
      'disability.kind': '请选择残疾类别',
      'disability.grade': '请选择残疾等级',
      'disability.poor': '请选择是否未脱贫',
    })
  })

  it('keeps basic + critical + assistance + hospital + personal equal to the total on varied bills', async () => {
    const cases = [
      { policy: 'dongying-2020', statuses: ['extreme_poverty', 'severe_disability'], hospitalLevel: 1, total: 1, outOfList: 0 },
      { policy: 'dongying-2020', statuses: ['severe_disability'], hospitalLevel: 2, total: 12_345_67, outOfList: 2_345_67 },
      { policy: 'fengxiang-2020', statuses: ['minimum_living'], hospitalLevel: 3, total: 399_999_99, outOfList: 33_333_33 },
      { policy: 'fengxiang-2020', statuses: ['marginal'], hospitalLevel: 1, total: 199_99, outOfList: 199_99 },
      { policy: 'guizhou-2019', statuses: ['poverty_registered'], hospitalLevel: 3, referred: false, total: 800_000_01, outOfList: 100_000_00 },
      { policy: 'guizhou-2019', statuses: [], hospitalLevel: 1, total: 0, outOfList: 0 },
    ]
    for (const c of cases) {
      const res = await post(c)
      expect(res.status).toBe(200)
      const r = await res.json() as Parts
      for (const v of [r.basicPay, r.criticalPay, r.assistancePay, r.hospitalBorne, r.personalPay]) expect(Number.isSafeInteger(v) && v >= 0).toBe(true)
      expect(sum(r)).toBe(c.total)
    }
  })
})

describe('POST /api/v1/estimates: bad input → 400 naming the field in Chinese', () => {
  const ok = { ...DONGYING_BILL, statuses: [] }

  it('rejects a negative amount', async () => {
    expect(await fieldsOf({ ...ok, total: -100 })).toEqual({ total: '住院总费用不能为负数' })
  })

  it('rejects a fractional amount of fen', async () => {
    expect(await fieldsOf({ ...ok, outOfList: 10.5 })).toEqual({ outOfList: '目录外费用必须精确到分（以“分”为单位的整数）' })
  })

  it('rejects out-of-list costs above the total', async () => {
    expect(await fieldsOf({ ...ok, total: 100_00, outOfList: 100_01 })).toEqual({ outOfList: '目录外费用不能超过住院总费用' })
  })

  it('rejects an unknown policy', async () => {
    expect(await fieldsOf({ ...ok, policy: 'beijing-2020' })).toEqual({ policy: '暂不支持所选地区的医保政策' })
  })

  it('rejects an unknown status', async () => {
    expect(await fieldsOf({ ...ok, statuses: ['minimum_living', 'vip'] })).toEqual({ 'statuses.1': '人员身份类别不正确' })
  })

  it('rejects hospital level 4', async () => {
    expect(await fieldsOf({ ...ok, hospitalLevel: 4 })).toEqual({ hospitalLevel: '医院级别只能是一级、二级或三级' })
  })

  it('names several bad fields at once, including year-to-date amounts', async () => {
    expect(await fieldsOf({ ...ok, referred: 'yes', total: '50000', yearToDate: { criticalBurden: -1, criticalPaid: 0, basicPaid: 0.5, assistancePaid: 0 } })).toEqual({
      'referred': '是否办理转诊只能选“是”或“否”',
      'total': '住院总费用必须是数字',
      'yearToDate.criticalBurden': '今年已累计的个人负担合规费用不能为负数',
      'yearToDate.basicPaid': '今年基本医保已支付金额必须精确到分（以“分”为单位的整数）',
    })
  })
})

describe('rate limit of the public calculators', () => {
  it('shares 120 requests a minute per IP between estimates and premium quotes, then 429', async () => {
    const clock = () => new Date('2026-11-22T06:00:10Z')
    const { app } = createTestApp({ storage, now: clock, env: { TRUST_PROXY: 'true' } })
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.42' }
    const estimate = () => app.request('/api/v1/estimates', { method: 'POST', body: JSON.stringify({ ...DONGYING_BILL, statuses: [] }), headers })
    const quote = () => app.request('/api/v1/policies/dongying-2020/premium-quote', { method: 'POST', body: JSON.stringify({ statuses: [] }), headers })
    expect(ESTIMATES_RATE_LIMIT).toEqual({ bucket: 'estimates', limit: 120, windowSeconds: 60 })
    const first = await estimate()
    expect(first.headers.get('ratelimit-limit')).toBe('120')
    expect(first.headers.get('ratelimit-remaining')).toBe('119')
    for (let i = 1; i < 120; i++) expect((await (i % 2 ? quote() : estimate())).status).toBe(200)
    const limited = await quote()
    expect(limited.status).toBe(429)
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试' } })
    expect((await estimate()).status).toBe(429)
    // Reading the policies is not limited.
    expect((await app.request('/api/v1/policies', { headers })).status).toBe(200)
  })
})
