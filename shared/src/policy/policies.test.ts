import type { Param } from './policy-schema'
import { describe, expect, it } from 'vitest'
import { PolicySummarySchema } from './api-schemas'
import { listAssumptions } from './assumptions'
import { compiledPolicy } from './compile'
import { POLICY_IDS } from './ids'
import { getPolicy, listPolicies, POLICIES } from './policies'
import { guizhou2019 } from './policies/guizhou-2019'
import { PolicySchema } from './policy-schema'

/** Every `{ value, source }` parameter in a policy, with its path. */
function params(node: unknown, path = ''): [string, Param<unknown>][] {
  if (!node || typeof node !== 'object') return []
  if ('value' in node && 'source' in node) return [[path, node as Param<unknown>]]
  return Object.entries(node).flatMap(([k, v]) => params(v, `${path}.${k}`))
}

describe('policies as data', () => {
  it('lists the three policies with their regions', () => {
    const list = listPolicies()
    expect(list.map(p => [p.id, p.regionCode, p.year])).toEqual([
      ['dongying-2020', '370500', 2020],
      ['fengxiang-2020', '610322', 2020],
      ['guizhou-2019', '520000', 2019],
    ])
    for (const p of list) expect(PolicySummarySchema.safeParse(p).success).toBe(true)
    expect(getPolicy('guizhou-2019')).toBe(POLICIES['guizhou-2019'])
    expect(() => getPolicy('shanghai-2020')).toThrow(RangeError)
  })

  it.each(POLICY_IDS)('%s: valid, frozen, and every parameter cites its document; assumed ones say why', (id) => {
    const p = POLICIES[id]
    // Not parsed at load (the browser runs the engine without zod): valid, and exactly as the schema would give it.
    expect(PolicySchema.parse(p)).toEqual(p)
    expect(Object.isFrozen(p.basic.rate[1])).toBe(true)
    const all = params(p)
    expect(all.length).toBeGreaterThan(30)
    for (const [path, param] of all) {
      expect(param.source.startsWith(`${p.document} `), path).toBe(true)
      if (param.assumed) expect(param.reason, path).toMatch(/[\u4E00-\u9FFF]/)
      else expect(param.reason, path).toBeUndefined()
    }
  })

  it('numbers taken from the documents are not marked assumed', () => {
    const d = POLICIES['dongying-2020']
    expect(d.premium.adult).toEqual({ value: 310_00, source: '东医保发〔2020〕56号 一(二)' })
    expect(d.premium.student).toEqual({ value: 210_00, source: '东医保发〔2020〕56号 一(二)' })
    expect(d.critical.ordinary.threshold).toEqual({ value: 16_000_00, source: '东医保发〔2020〕56号 二(二)' })
    expect(d.critical.ordinary.cap.value).toBe(400_000_00)
    expect(d.critical.poverty.kind === 'table' && d.critical.poverty.threshold.value).toBe(5_000_00)
    const f = POLICIES['fengxiang-2020']
    expect([f.basic.rate[1].value, f.basic.rate[2].value, f.basic.rate[3].value]).toEqual([0.9, 0.78, 0.62])
    expect([f.basic.povertyRateBonus[2].value, f.basic.povertyRateBonus[3].value]).toEqual([0.1, 0.1])
    expect(f.basic.rate[2].assumed).toBeUndefined()
    const g = POLICIES['guizhou-2019']
    expect(g.premium.subsidies.poverty_registered).toEqual({ value: 100_00, source: '贵州省医疗保障扶贫行动实施方案 二(三)' })
    expect(g.premium.subsidies.extreme_poverty.value).toBe('full')
    expect(g.basic.annualCap).toEqual({ value: 250_000_00, source: '贵州省医疗保障扶贫行动实施方案 二(四)1' })
    expect(g.outOfList?.maxShare.value).toBe(0.1)
    expect(g.premium.newTargetCutoffMonth).toEqual({ value: 8, source: '贵州省医疗保障扶贫行动实施方案 二(二)' })
  })

  it('Guizhou / Fengxiang poverty tables: threshold halved, +5 points, no cap', () => {
    const g = compiledPolicy('guizhou-2019')
    expect(g.poverty.threshold).toBe(4_500_00) // assumed ordinary 9,000 × 50 %
    expect(g.poverty.bp).toEqual([6500, 7500, 8500])
    expect(g.poverty.cap).toBeNull()
    const f = compiledPolicy('fengxiang-2020')
    expect(f.poverty.threshold).toBe(5_000_00) // assumed ordinary 10,000 × 50 %
    expect(f.poverty.bp).toEqual([6500, 7500, 8500])
  })

  it('the schema rejects an assumed value without a reason and a rate above 100 %', () => {
    const noReason = structuredClone(guizhou2019) as unknown as { basic: { annualCap: Record<string, unknown> } }
    noReason.basic.annualCap.assumed = true
    expect(PolicySchema.safeParse(noReason).success).toBe(false)
    const tooHigh = structuredClone(guizhou2019) as unknown as { basic: { rate: { 1: { value: number } } } }
    tooHigh.basic.rate[1].value = 1.2
    expect(PolicySchema.safeParse(tooHigh).success).toBe(false)
  })

  it('lists the assumed parameters with their reasons', () => {
    const g = listAssumptions('guizhou-2019')
    expect(g.find(a => a.path === 'basic.deductible.2')).toMatchObject({ value: 400_00, source: '贵州省医疗保障扶贫行动实施方案 二(四)1' })
    expect(g.some(a => a.path === 'premium.subsidies.poverty_registered')).toBe(false) // 100 元 is in 二(三)
    for (const id of POLICY_IDS) {
      for (const a of listAssumptions(id)) expect(a.reason.length).toBeGreaterThan(5)
    }
  })
})
