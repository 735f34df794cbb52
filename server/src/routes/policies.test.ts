import type { Storage } from '../storage/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

interface ErrorBody { error: { code: string, message: string, requestId: string, fields?: Record<string, string> } }

function postQuote(id: string, body: unknown) {
  const { app } = createTestApp({ storage })
  return app.request(`/api/v1/policies/${id}/premium-quote`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
}

describe('GET /api/v1/policies', () => {
  it('lists the three policies with id, title, region, region code, year and source, cacheable', async () => {
    const { client } = createTestApp({ storage })
    const res = await client.api.v1.policies.$get()
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=300')
    const list = await res.json()
    expect(list.map(p => [p.id, p.region, p.regionCode, p.year])).toEqual([
      ['dongying-2020', '山东省东营市', '370500', 2020],
      ['fengxiang-2020', '陕西省宝鸡市凤翔县', '610322', 2020],
      ['guizhou-2019', '贵州省', '520000', 2019],
    ])
    for (const p of list) {
      expect(Object.keys(p).sort()).toEqual(['id', 'region', 'regionCode', 'source', 'title', 'year'])
      expect(p.title.length).toBeGreaterThan(0)
      expect(p.source.length).toBeGreaterThan(0)
    }
    expect(list[0]!.source).toContain('东医保发〔2020〕56号')
  })
})

describe('GET /api/v1/policies/:id', () => {
  it('gives every parameter with its clause, and assumed parameters with their reason', async () => {
    const { client } = createTestApp({ storage })
    const res = await client.api.v1.policies[':id'].$get({ param: { id: 'dongying-2020' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=300')
    const body = await res.json() as {
      id: string
      document: string
      parameters: { premium: { adult: unknown, minorAgeBelow: unknown }, basic: { deductible: Record<string, unknown> } }
      assumptions: { path: string, value: unknown, source: string, reason: string }[]
    }
    expect(body.id).toBe('dongying-2020')
    expect(body.document).toBe('东医保发〔2020〕56号')
    // From the text: no assumed mark.
    expect(body.parameters.premium.adult).toEqual({ value: 31000, source: '东医保发〔2020〕56号 一(二)' })
    // Not in the text: assumed, with a one-line reason.
    expect(body.parameters.premium.minorAgeBelow).toEqual({
      value: 18,
      source: '东医保发〔2020〕56号 一(二)',
      assumed: true,
      reason: '文件只区分居民和学生，未满18周岁的儿童按学生标准缴费是山东省的通行做法',
    })
    expect(body.parameters.basic.deductible['3']).toEqual({
      value: 100000,
      source: '东医保发〔2020〕56号 二(一)',
      assumed: true,
      reason: '文件未给出各级医院起付线，参照山东省同期三级医院常见起付线1000元',
    })
    const deductible3 = body.assumptions.find(a => a.path === 'basic.deductible.3')
    expect(deductible3).toEqual({ path: 'basic.deductible.3', value: 100000, source: '东医保发〔2020〕56号 二(一)', reason: '文件未给出各级医院起付线，参照山东省同期三级医院常见起付线1000元' })
    // Parameters taken from the text are not listed as assumptions.
    expect(body.assumptions.some(a => a.path === 'premium.adult')).toBe(false)
    expect(body.assumptions.every(a => a.reason.length > 0)).toBe(true)
  })

  it('returns 404 NOT_FOUND in the envelope for an unknown policy', async () => {
    const { app } = createTestApp({ storage })
    const res = await app.request('/api/v1/policies/beijing-2020')
    expect(res.status).toBe(404)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await res.json() as ErrorBody
    expect(body).toMatchObject({ error: { code: 'NOT_FOUND', message: '没有找到相关记录' } })
    expect(body.error.requestId).toMatch(/.+/)
  })
})

describe('POST /api/v1/policies/:id/premium-quote', () => {
  it('quotes a Dongying adult 310 元 (31000 fen) with the steps, not cacheable', async () => {
    const { client } = createTestApp({ storage })
    const res = await client.api.v1.policies[':id']['premium-quote'].$post({ param: { id: 'dongying-2020' }, json: { statuses: [] } })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const q = await res.json()
    expect({ standard: q.standard, subsidy: q.subsidy, due: q.due, category: q.category }).toEqual({ standard: 31000, subsidy: 0, due: 31000, category: 'adult' })
    expect(q.steps.map(s => s.tier)).toEqual(['premium', 'subsidy', 'personal'])
    expect(q.steps[2]!.text).toBe('您今年需要自己缴纳 310.00 元。')
  })

  it('quotes a Dongying student 210 元, also by age (under 18 on 1 January 2020)', async () => {
    const student = await postQuote('dongying-2020', { statuses: [], student: true })
    expect(await student.json()).toMatchObject({ standard: 21000, subsidy: 0, due: 21000, category: 'student' })
    const minor = await postQuote('dongying-2020', { statuses: [], birthDate: '2003-06-01' })
    expect(await minor.json()).toMatchObject({ standard: 21000, due: 21000, category: 'student' })
    const adult = await postQuote('dongying-2020', { statuses: [], birthDate: '2002-01-01' })
    expect(await adult.json()).toMatchObject({ standard: 31000, due: 31000, category: 'adult' })
  })

  it('gives a Guizhou 特困 person due 0 (full subsidy of 250 元)', async () => {
    const res = await postQuote('guizhou-2019', { statuses: ['extreme_poverty'] })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ standard: 25000, subsidy: 25000, due: 0, appliedStatus: 'extreme_poverty' })
  })

  it('applies the single largest subsidy (就高) in Guizhou: 建档立卡 100 元 off 250 元', async () => {
    const res = await postQuote('guizhou-2019', { statuses: ['poverty_registered', 'marginal'] })
    expect(await res.json()).toMatchObject({ standard: 25000, subsidy: 10000, due: 15000, appliedStatus: 'poverty_registered' })
  })

  it('returns 404 NOT_FOUND for an unknown policy', async () => {
    const res = await postQuote('shanghai-2020', { statuses: [] })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })

  it('returns 400 naming each bad field in Chinese', async () => {
    const res = await postQuote('dongying-2020', { statuses: ['vip'], student: 'yes', birthDate: '2001-02-30' })
    expect(res.status).toBe(400)
    const body = await res.json() as ErrorBody
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(body.error.fields).toEqual({
      'statuses.0': '人员身份类别不正确',
      'student': '是否学生只能选“是”或“否”',
      'birthDate': '日期不存在，请核对',
    })
  })
})
