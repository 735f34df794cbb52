import type { SandboxSettlement } from './settlements'
import type { YearToDate } from '@yibao/shared'
import { estimateSettlement } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import { generateSeed } from './generate'
import { HOSPITALS } from './hospitals'
import { generateSettlements, SCRIPTED_STAYS, SETTLEMENT_DISCREPANCIES, UNKNOWN_FUND_CODE } from './settlements'
import { yearUsage } from './usage'

const dataset = generateSeed()
const all = generateSettlements(dataset)
const byKey = (key: string): SandboxSettlement => all.find(s => s.scriptKey === key)!

/** Recomputes every slip from the earlier slips of the same person and year, as a client would. */
function recompute(slips: readonly SandboxSettlement[]) {
  const out = new Map<string, ReturnType<typeof estimateSettlement>>()
  const groups = new Map<string, SandboxSettlement[]>()
  for (const s of slips) {
    const k = `${s.psnNo}:${s.settledAt.slice(0, 4)}`
    groups.set(k, [...groups.get(k) ?? [], s])
  }
  for (const group of groups.values()) {
    let ytd: YearToDate = { criticalBurden: 0, criticalPaid: 0, basicPaid: 0, assistancePaid: 0 }
    for (const s of [...group].sort((a, b) => a.settledAt.localeCompare(b.settledAt))) {
      out.set(s.setlId, estimateSettlement(s.policyId, { statuses: s.statuses, hospitalLevel: s.hospital.level, total: s.total, outOfList: s.outOfList, yearToDate: ytd }))
      const inPolicy = s.total - s.outOfList
      ytd = { criticalBurden: ytd.criticalBurden + inPolicy - s.bureau.basic, criticalPaid: ytd.criticalPaid + s.bureau.critical, basicPaid: ytd.basicPaid + s.bureau.basic, assistancePaid: ytd.assistancePaid + s.bureau.assistance }
    }
  }
  return out
}

describe('settlement seed', () => {
  it('is deterministic', () => {
    expect(generateSettlements(generateSeed())).toEqual(all)
  })

  it('gives stays to some people (several a year for a few), none to many, in 2024–2026', () => {
    const persons = new Set(all.map(s => s.psnNo))
    expect(persons.size).toBeGreaterThan(15)
    expect(persons.size).toBeLessThan(dataset.persons.length / 2)
    const perYear = new Map<string, number>()
    for (const s of all) perYear.set(`${s.psnNo}:${s.settledAt.slice(0, 4)}`, (perYear.get(`${s.psnNo}:${s.settledAt.slice(0, 4)}`) ?? 0) + 1)
    expect(Math.max(...perYear.values())).toBeGreaterThanOrEqual(3)
    expect(new Set(all.map(s => s.settledAt.slice(0, 4)))).toEqual(new Set(['2024', '2025', '2026']))
    expect(new Set(all.map(s => s.hospital.level))).toEqual(new Set([1, 2, 3]))
    expect(new Set(all.map(s => s.setlId)).size).toBe(all.length)
  })

  it('sends people to hospitals of their own county list, and admits before discharge', () => {
    for (const s of all) {
      const person = dataset.persons.find(p => p.psnNo === s.psnNo)!
      expect(HOSPITALS[person.countyCode as keyof typeof HOSPITALS]).toContainEqual(s.hospital)
      expect(s.admittedAt < s.dischargedAt && s.dischargedAt < s.settledAt).toBe(true)
    }
  })

  it('agrees with the published policy to the fen, except on the listed discrepancies', () => {
    const engine = recompute(all)
    const differing: string[] = []
    for (const s of all) {
      const r = engine.get(s.setlId)!
      const b = s.bureau
      // Parts add up to the total on every slip.
      expect(b.basic + b.critical + b.assistance + b.hospital + b.other + b.personal).toBe(s.total)
      const same = b.deductible === r.deductible && b.basic === r.basicPay && b.critical === r.criticalPay && b.assistance === r.assistancePay && b.hospital === r.hospitalBorne
      if (!same) differing.push(s.scriptKey ?? s.setlId)
      else expect(b.personal + b.other).toBe(r.personalPay)
    }
    expect(differing.sort()).toEqual(SETTLEMENT_DISCREPANCIES.map(d => d.key).sort())
    expect(SETTLEMENT_DISCREPANCIES.length).toBeGreaterThanOrEqual(3)
  })

  it('settles 韦秀珍\'s first 2025 stay as computed by hand (Guizhou 建档立卡, level 2)', () => {
    // in-policy 12 345.60 − 1 500 = 10 845.60; basic 80 % × (10 845.60 − 400) = 8 356.48; burden 2 489.12 (< 4 500:
    // no critical); hospital bears 1 500 − 10 % × 12 345.60 = 265.44; assistance 70 % × 2 489.12 = 1 742.38;
    // personal 12 345.60 − 8 356.48 − 1 742.38 − 265.44 = 1 981.30.
    expect(byKey('weixiuzhen-2025-a').bureau).toEqual({ deductible: 400_00, basic: 8_356_48, critical: 0, assistance: 1_742_38, hospital: 265_44, other: 0, personal: 1_981_30 })
    expect(byKey('weixiuzhen-2025-a').details.map(d => d.code)).toEqual(['390100', '610100', '630101'])
  })

  it('short-pays 大病保险 on 韦秀珍\'s second stay by 1 200 元 (the e2e discrepancy)', () => {
    // Cumulative burden 2 489.12 → 25 189.12 over the halved threshold 4 500 at 65 %: 13 447.93; the slip says 12 247.93.
    const b = byKey('weixiuzhen-2025-b')
    expect(b.policy.critical).toBe(13_447_93)
    expect(b.bureau.critical).toBe(12_247_93)
    expect(b.bureau.personal - b.policy.personal).toBe(1_200_00)
    expect(b.discrepancy).toMatchObject({ field: 'hifmi_pay', delta: -1_200_00 })
  })

  it('charges the level-3 deductible at a level-2 hospital on 王秀兰\'s 2025 stay, and basic pays less', () => {
    // in-policy 10 000; policy: 78 % × (10 000 − 500) = 7 410; slip: deductible 800, 78 % × 9 200 = 7 176.
    const w = byKey('wangxiulan-2025-a')
    expect([w.policy.deductible, w.policy.basic]).toEqual([500_00, 7_410_00])
    expect([w.bureau.deductible, w.bureau.basic]).toEqual([800_00, 7_176_00])
  })

  it('books local funds: 999996 in Fengxiang and an unknown code in Guizhou, paid out of the personal share', () => {
    expect(byKey('wangxiulan-2024-a').details.at(-1)).toEqual({ code: '999996', name: '医院垫付基金', amount: 300_00 })
    const l = byKey('longxiuzhi-2025-a')
    expect(l.details.at(-1)).toMatchObject({ code: UNKNOWN_FUND_CODE, amount: 500_00 })
    expect(l.bureau.personal).toBe(l.policy.personal - 500_00)
  })

  it('books every fund code the slips need: the three tiers, local codes and one unknown code', () => {
    const codes = new Set(all.flatMap(s => s.details.map(d => d.code)))
    expect([...codes].sort()).toEqual(['390100', '390200', '529901', '610100', '610102', '630101', '999996'])
  })

  it('uses the same seed-year stays as 5206, so the year\'s slips add up to the cumulative amounts', () => {
    for (const p of dataset.persons) {
      const slips = all.filter(s => s.psnNo === p.psnNo && s.settledAt.startsWith('2026'))
      const u = yearUsage(p, 2026, '2026-12-31')
      expect({ stays: slips.length, basic: slips.reduce((a, s) => a + s.bureau.basic, 0), critical: slips.reduce((a, s) => a + s.bureau.critical, 0), assistance: slips.reduce((a, s) => a + s.bureau.assistance, 0) })
        .toEqual({ stays: u.stays, basic: u.basicPaidFen, critical: u.criticalPaidFen, assistance: u.assistancePaidFen })
    }
  })

  it('keeps every scripted stay (a scripted person who is not covered is a seed bug)', () => {
    expect(SCRIPTED_STAYS.map(s => byKey(s.key)?.scriptKey)).toEqual(SCRIPTED_STAYS.map(s => s.key))
  })
})
