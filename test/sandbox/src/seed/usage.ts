import type { HospitalLevel, PolicyId, SpecialStatus, YearToDate } from '@yibao/shared'
import type { FixtureName } from './fixtures'
import type { PolicyRegion, SandboxPerson } from './model'
import { estimateSettlement } from '@yibao/shared'
import { disabilityOn, hashLabel, SEED_YEAR, statusesOn } from './build'
import { FIXTURE_CERT_NOS } from './fixtures'

/**
 * Inpatient stays (普通住院) the sandbox bureau has settled, and the yearly cumulative amounts
 * (人员累计信息, transaction 5206) that follow from them. Most people have no stay at all; a few
 * fixtures have hand-written ones and about one in ten residents aged 50 or more has one random stay
 * in the seed year. Each stay is settled with the shared policy engine (the policy of the person's
 * region), in date order, so the cumulative amounts telescope exactly like a real year.
 */

/** One settled inpatient stay. Amounts in fen. */
export interface SandboxStay {
  /** Discharge (settlement) day `YYYY-MM-DD`. */
  date: string
  hospitalLevel: HospitalLevel
  /** 医疗费总额. */
  totalFen: number
  /** 全自费 (out of the drug/service lists). */
  outOfListFen: number
}

/** Cumulative amounts of one year (fen; `stays` is a count). */
export interface SandboxYearUsage {
  year: number
  /** 统筹基金累计支付 (fund 390101). */
  basicPaidFen: number
  /** 大病保险累计支付 (390201). */
  criticalPaidFen: number
  /** 大病保险累计合规个人负担 (what counts toward the critical-illness threshold). */
  criticalBurdenFen: number
  /** 医疗救助累计支付 (610101). */
  assistancePaidFen: number
  /** 普通住院累计总费用. */
  inpatientTotalFen: number
  /** 普通住院累计次数. */
  stays: number
}

/** Policy the sandbox settles each region's stays with. */
export const POLICY_OF_REGION: Record<PolicyRegion, PolicyId> = {
  370500: 'dongying-2020',
  610322: 'fengxiang-2020',
  520000: 'guizhou-2019',
}

/** Hand-written stays of named fixtures (stable: tests and demos read them). */
const FIXTURE_STAYS: Partial<Record<FixtureName, SandboxStay[]>> = {
  // 潘光明 (三都, 建档立卡 + 二级残疾): a county-hospital stay in March and a city-hospital stay in August.
  guizhouPoverty: [
    { date: '2026-03-18', hospitalLevel: 2, totalFen: 2_860_000, outOfListFen: 186_000 },
    { date: '2026-08-05', hospitalLevel: 3, totalFen: 6_425_050, outOfListFen: 512_030 },
  ],
  // 赵有福 (凤翔, 特困): one county-hospital stay.
  fengxiangExtremePoverty: [
    { date: '2026-05-09', hospitalLevel: 2, totalFen: 1_234_567, outOfListFen: 56_789 },
  ],
  // 刘桂英 (东营, 低保): one stay last year and one this year.
  demoParent: [
    { date: '2025-11-02', hospitalLevel: 1, totalFen: 645_000, outOfListFen: 12_000 },
    { date: '2026-04-21', hospitalLevel: 2, totalFen: 1_985_000, outOfListFen: 120_000 },
  ],
}

const STAYS_BY_CERT = new Map<string, SandboxStay[]>(
  (Object.entries(FIXTURE_STAYS) as [FixtureName, SandboxStay[]][]).map(([name, stays]) => [FIXTURE_CERT_NOS[name], stays]),
)
const FIXTURE_CERTS = new Set<string>(Object.values(FIXTURE_CERT_NOS))

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

/** The person's stays, oldest first: the fixture's own, or a deterministic random one (or none). */
export function staysOf(person: SandboxPerson): SandboxStay[] {
  const fixed = STAYS_BY_CERT.get(person.certNo)
  if (fixed) return fixed
  if (FIXTURE_CERTS.has(person.certNo)) return []
  const age = SEED_YEAR - Number(person.birthDate.slice(0, 4))
  const h = hashLabel(`stay:${person.certNo}`)
  if (age < 50 || h % 10 !== 0) return []
  const month = 1 + (h >>> 4) % 9
  const day = 1 + (h >>> 8) % 28
  const level = (1 + (h >>> 12) % 3) as HospitalLevel
  const totalFen = (8_000 + (h >>> 14) % 52_000) * 100 + (h % 100)
  return [{ date: `${SEED_YEAR}-${pad2(month)}-${pad2(day)}`, hospitalLevel: level, totalFen, outOfListFen: Math.round(totalFen * 0.06) }]
}

/** Statuses the engine knows, in force on a day. */
function statusesAt(person: SandboxPerson, day: string): SpecialStatus[] {
  return statusesOn(person.statuses, day)
}

/**
 * Cumulative amounts of `year` up to and including `day` (`YYYY-MM-DD`). Stays in a year the person
 * had not paid for are not settled by the fund and count for nothing.
 */
export function yearUsage(person: SandboxPerson, year: number, day: string): SandboxYearUsage {
  const usage: SandboxYearUsage = { year, basicPaidFen: 0, criticalPaidFen: 0, criticalBurdenFen: 0, assistancePaidFen: 0, inpatientTotalFen: 0, stays: 0 }
  const paid = person.contributions.some(c => c.year === year && c.paid)
  if (!paid) return usage
  let ytd: YearToDate = { criticalBurden: 0, criticalPaid: 0, basicPaid: 0, assistancePaid: 0 }
  for (const stay of staysOf(person)) {
    if (Number(stay.date.slice(0, 4)) !== year || stay.date > day) continue
    const result = estimateSettlement(POLICY_OF_REGION[person.policyRegion], {
      statuses: statusesAt(person, stay.date),
      disability: disabilityOn(person.statuses, stay.date),
      hospitalLevel: stay.hospitalLevel,
      referred: true,
      total: stay.totalFen,
      outOfList: stay.outOfListFen,
      yearToDate: ytd,
    })
    ytd = result.yearToDateAfter
    usage.inpatientTotalFen += stay.totalFen
    usage.stays += 1
  }
  usage.basicPaidFen = ytd.basicPaid
  usage.criticalPaidFen = ytd.criticalPaid
  usage.criticalBurdenFen = ytd.criticalBurden
  usage.assistancePaidFen = ytd.assistancePaid
  return usage
}
