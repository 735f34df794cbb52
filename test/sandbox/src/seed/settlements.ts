import type { HospitalLevel, PolicyId, SpecialStatus, YearToDate } from '@yibao/shared'
import type { Prng } from '../lib/prng'
import type { PolicyRegion, SandboxDataset, SandboxPerson } from './model'
import type { SandboxHospital } from './hospitals'
import type { CountyCode } from './regions'
import type { SandboxStay } from './usage'
import { estimateSettlement } from '@yibao/shared'
import { disabilityOn, SEED_YEAR, statusesOn, streamFor } from './build'
import { hospitalByCode, HOSPITALS } from './hospitals'
import { POLICY_OF_REGION, staysOf } from './usage'

/**
 * Inpatient settlements (住院结算) of the seeded residents, 2024–2026, for 5203 结算信息查询 and the
 * 5260 settlement list. Deterministic: every person draws from their own seeded stream, so the same
 * seed always yields the same stays, ids and amounts.
 *
 * The stays of the seed year (2026) are the ones `seed/usage.ts` defines for 5206 人员累计信息查询
 * (`staysOf`), so the year's slips and the cumulative amounts agree; earlier years (2024, 2025) carry
 * this module's own stays: scripted ones (`SCRIPTED_STAYS`) for a few fixtures and random ones for the
 * rest (none for many, several a year for some).
 *
 * Every stay is settled with the shared policy engine (`estimateSettlement`) under the policy of the
 * person's region, carrying the year-to-date accumulations stay by stay **from the bureau's own figures
 * of the earlier slips of the same calendar year** (as a bureau accumulates what it actually paid). A
 * client that recomputes a slip from the earlier slips therefore gets the bureau's figures to the fen —
 * except on the deliberate discrepancies listed in `SETTLEMENT_DISCREPANCIES`.
 *
 * Conventions the slips follow (documented for the BFF):
 * - every stay counts as referred (转诊) where the policy asks for a referral;
 * - statuses are those in force on the settlement (discharge) day, a 重度残疾人 status with its kind, grade and
 *   贫困标志 (a policy may count only part of them: 东医保发〔2020〕56号 二(二));
 * - the out-of-list cost is reported as `fulamt_ownpay_amt`; `overlmt_selfpay` and `preselfpay_amt` are 0;
 * - a few stays are partly paid by a local fund outside the published policy (`oth_pay`): 999996 in
 *   Fengxiang, and a code unknown to the national table (`UNKNOWN_FUND_CODE`) in Guizhou.
 */

/** Years that have settlements. */
export const SETTLEMENT_YEARS = [2024, 2025, 2026] as const
/** Years whose stays this module draws itself (the seed year's come from `staysOf`). */
const OWN_YEARS = [2024, 2025] as const

/** A fund_pay_type no national table lists (a Guizhou local supplementary fund); the BFF must show it as 其他. */
export const UNKNOWN_FUND_CODE = '529901'

/** 医疗类别 med_type of the stays the seed produces. */
export const STAY_MED_TYPES: Record<StayMedType, string> = { 21: '普通住院', 22: '外伤住院', 24: '急诊转住院' }
/** A med_type the seed uses. */
export type StayMedType = '21' | '22' | '24'

/** One line of `setldetail` (amounts in fen). */
export interface SettlementFundLine {
  /** fund_pay_type 基金支付类型. */
  code: string
  /** fund_pay_type_name as the bureau sends it. */
  name: string
  amount: number
}

/** The split of a stay's cost (fen). Parts add up to `total`. */
export interface SettlementSplit {
  /** act_pay_dedc 实际支付起付线. */
  deductible: number
  /** hifp_pay 基本医疗保险统筹基金支出. */
  basic: number
  /** hifmi_pay 居民大病保险资金支出. */
  critical: number
  /** maf_pay 医疗救助基金支出. */
  assistance: number
  /** hosp_part_amt 医院负担金额. */
  hospital: number
  /** oth_pay 其他支出 (local funds outside the published policy). */
  other: number
  /** psn_part_amt = psn_cash_pay (residents have no personal account). */
  personal: number
}

/** A deliberate difference between a slip and the published policy. */
export interface SettlementDiscrepancy {
  /** Key of the scripted stay (see `SCRIPTED_STAYS`). */
  key: string
  /** Wire field that differs. `act_pay_dedc` also changes `hifp_pay` (the basic pay on the larger deductible). */
  field: 'hifmi_pay' | 'act_pay_dedc' | 'maf_pay'
  /** Bureau value minus policy value, in fen. */
  delta: number
  /** What went wrong, for people reading the tests. */
  reason: string
}

/** One settled stay. */
export interface SandboxSettlement {
  /** setl_id 结算ID (20 digits: county + settlement date + serial). */
  setlId: string
  /** mdtrt_id 就诊ID (20 digits: county + admission date + serial). */
  mdtrtId: string
  psnNo: string
  certNo: string
  /** County (参保地 insuplc_admdvs and clearing division). */
  admdvs: string
  policyRegion: PolicyRegion
  policyId: PolicyId
  hospital: SandboxHospital
  medType: StayMedType
  diagnosis: { code: string, name: string }
  /** yyyy-MM-dd HH:mm:ss (Shanghai). */
  admittedAt: string
  dischargedAt: string
  settledAt: string
  /** Statuses in force on the settlement day (what the policy applied). */
  statuses: SpecialStatus[]
  total: number
  outOfList: number
  /** Basic ratio applied (pool_prop_selfpay), e.g. 0.8. */
  basicRate: number
  /** What the published policy gives. */
  policy: SettlementSplit
  /** What the slip says (equal to `policy` except for `other` and deliberate discrepancies). */
  bureau: SettlementSplit
  details: SettlementFundLine[]
  /** Key of the scripted stay, `null` for random stays. */
  scriptKey: string | null
  discrepancy: SettlementDiscrepancy | null
}

/** A hand-written stay (fixed numbers that tests and demos rely on). */
export interface ScriptedStay {
  key: string
  /** Household (户号) and name of the person. */
  household: string
  name: string
  hospital: string
  medType: StayMedType
  diagnosis: { code: string, name: string }
  /** yyyy-MM-dd HH:mm:ss. */
  admittedAt: string
  days: number
  total: number
  outOfList: number
  /** Part of the personal share a local fund outside the policy pays. */
  otherFund?: { code: string, name: string, amount: number }
}

/**
 * Scripted stays (2024–2025 only; the seed year belongs to `staysOf`). Their persons get no random
 * stays in those years, so their slips are fully known:
 * - 韦秀珍 (三都, 建档立卡): three stays in 2025 — the e2e journey's person.
 * - 潘小燕 (三都, 建档立卡, 16 in 2025): one stay in 2025.
 * - 王秀兰 (凤翔, ordinary senior): 2024 (with the local fund 999996) and 2025.
 * - 龙秀芝 (凯里, ordinary): 2025 with the unknown fund code.
 * - 张秀英 (东营区, the demo resident): one ordinary stay in 2025.
 * - 陈玉兰 (河口区, ordinary senior): one large stay in 2024.
 */
export const SCRIPTED_STAYS: readonly ScriptedStay[] = [
  { key: 'weixiuzhen-2025-a', household: '522732000101', name: '韦秀珍', hospital: 'H52273200021', medType: '21', diagnosis: { code: 'J18.900', name: '肺炎' }, admittedAt: '2025-03-10 09:12:00', days: 8, total: 12_345_60, outOfList: 1_500_00 },
  { key: 'weixiuzhen-2025-b', household: '522732000101', name: '韦秀珍', hospital: 'H52270100011', medType: '24', diagnosis: { code: 'I63.900', name: '脑梗死' }, admittedAt: '2025-08-02 22:40:00', days: 18, total: 68_000_00, outOfList: 5_000_00 },
  { key: 'weixiuzhen-2025-c', household: '522732000101', name: '韦秀珍', hospital: 'H52273200031', medType: '21', diagnosis: { code: 'I10.x00', name: '原发性高血压' }, admittedAt: '2025-11-06 10:05:00', days: 6, total: 3_200_00, outOfList: 100_00 },
  { key: 'panxiaoyan-2025-a', household: '522732000101', name: '潘小燕', hospital: 'H52273200021', medType: '22', diagnosis: { code: 'S52.500', name: '桡骨远端骨折' }, admittedAt: '2025-07-14 16:30:00', days: 9, total: 15_000_00, outOfList: 800_00 },
  { key: 'wangxiulan-2024-a', household: '610322000102', name: '王秀兰', hospital: 'H61032200021', medType: '21', diagnosis: { code: 'J44.100', name: '慢性阻塞性肺病伴急性加重' }, admittedAt: '2024-12-01 08:30:00', days: 12, total: 9_870_50, outOfList: 620_50, otherFund: { code: '999996', name: '医院垫付基金', amount: 300_00 } },
  { key: 'wangxiulan-2025-a', household: '610322000102', name: '王秀兰', hospital: 'H61032200022', medType: '21', diagnosis: { code: 'I25.103', name: '冠状动脉粥样硬化性心脏病' }, admittedAt: '2025-03-03 09:00:00', days: 10, total: 11_000_00, outOfList: 1_000_00 },
  { key: 'longxiuzhi-2025-a', household: '522601000101', name: '龙秀芝', hospital: 'H52260100011', medType: '21', diagnosis: { code: 'K80.101', name: '胆囊结石伴慢性胆囊炎' }, admittedAt: '2025-04-20 07:50:00', days: 7, total: 24_680_00, outOfList: 2_180_00, otherFund: { code: UNKNOWN_FUND_CODE, name: '防返贫医疗补充保障金', amount: 500_00 } },
  { key: 'zhangxiuying-2025-a', household: '370502000101', name: '张秀英', hospital: 'H37050200021', medType: '21', diagnosis: { code: 'K35.800', name: '急性阑尾炎' }, admittedAt: '2025-09-21 15:40:00', days: 5, total: 6_850_40, outOfList: 410_00 },
  { key: 'chenyulan-2024-a', household: '370503000101', name: '陈玉兰', hospital: 'H37050200011', medType: '21', diagnosis: { code: 'C34.900', name: '肺恶性肿瘤' }, admittedAt: '2024-05-11 09:30:00', days: 21, total: 80_000_00, outOfList: 6_000_00 },
]

/**
 * The deliberate discrepancies: slips where the bureau's figure differs from what the published policy
 * gives. Tests and the e2e journey find them by `key`; everything else agrees with the policy to the fen.
 */
export const SETTLEMENT_DISCREPANCIES: readonly SettlementDiscrepancy[] = [
  { key: 'weixiuzhen-2025-b', field: 'hifmi_pay', delta: -1_200_00, reason: '大病保险少付1200元：经办时漏算了本年度第一次住院的累计费用的一部分（模拟经办差错）' },
  { key: 'wangxiulan-2025-a', field: 'act_pay_dedc', delta: 300_00, reason: '二级医院按三级医院起付线800元扣除（多扣300元），基本医保随之少付' },
  { key: 'panxiaoyan-2025-a', field: 'maf_pay', delta: -500_00, reason: '医疗救助少付500元（模拟经办差错）' },
  { key: 'chenyulan-2024-a', field: 'hifmi_pay', delta: -2_000_00, reason: '大病保险少付2000元（模拟经办差错）' },
]

const FUND_NAMES = {
  390100: '城乡居民基本医疗保险基金',
  390200: '城乡居民大病医疗保险基金',
  610100: '医疗救助基金',
  610102: '医疗再救助',
  630101: '医院减免',
} as const

interface Diagnosis { code: string, name: string }

const DIAGNOSES: Record<'adult' | 'child' | 'injury' | 'severe', readonly Diagnosis[]> = {
  adult: [
    { code: 'J18.900', name: '肺炎' },
    { code: 'I63.900', name: '脑梗死' },
    { code: 'I25.103', name: '冠状动脉粥样硬化性心脏病' },
    { code: 'K80.101', name: '胆囊结石伴慢性胆囊炎' },
    { code: 'E11.900', name: '2型糖尿病' },
    { code: 'J44.100', name: '慢性阻塞性肺病伴急性加重' },
    { code: 'I10.x00', name: '原发性高血压' },
    { code: 'M51.202', name: '腰椎间盘突出' },
  ],
  child: [
    { code: 'J18.900', name: '肺炎' },
    { code: 'J20.900', name: '急性支气管炎' },
    { code: 'K35.800', name: '急性阑尾炎' },
    { code: 'A09.900', name: '感染性腹泻' },
  ],
  injury: [
    { code: 'S72.000', name: '股骨颈骨折' },
    { code: 'S52.500', name: '桡骨远端骨折' },
    { code: 'S06.000', name: '脑震荡' },
  ],
  severe: [
    { code: 'C34.900', name: '肺恶性肿瘤' },
    { code: 'C16.900', name: '胃恶性肿瘤' },
    { code: 'N18.500', name: '慢性肾脏病5期' },
  ],
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function dayIndex(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000)
}

/** `fen × bp / 10000` rounded half-up (the engine's one rounding rule). */
function applyBp(fen: number, bp: number): number {
  return Math.floor((fen * bp + 5000) / 10000)
}

/** Whether the person is covered by resident insurance from admission to discharge (paid year, live relation). */
function coveredFor(person: SandboxPerson, from: string, to: string): boolean {
  const year = Number(from.slice(0, 4))
  if (person.deathDate !== null && person.deathDate <= to) return false
  if (person.birthDate > from) return false
  const rel = person.insurance.find(r => r.insutype === '390' && r.admdvs === person.countyCode)
  if (!rel || rel.insuDate > from || (rel.endDate !== null && rel.endDate <= to)) return false
  return person.contributions.some(c => c.year === year && c.admdvs === person.countyCode && c.paid)
}

/** A stay before it is settled. */
interface StayPlan {
  key: string | null
  hospital: SandboxHospital
  medType: StayMedType
  diagnosis: { code: string, name: string }
  admittedAt: string
  days: number
  total: number
  outOfList: number
  otherFund?: { code: string, name: string, amount: number }
  /** Share of the personal part a local fund pays (random stays only), in basis points. */
  otherShareBp?: number
}

function randomStays(person: SandboxPerson): StayPlan[] {
  const rng: Prng = streamFor(`settlements:${person.certNo}`)
  const age = SEED_YEAR - Number(person.birthDate.slice(0, 4))
  const chance = age >= 60 ? 0.5 : age >= 40 ? 0.3 : age < 18 ? 0.15 : 0.18
  if (!rng.chance(chance)) return []
  const hospitals = HOSPITALS[person.countyCode as CountyCode]
  if (!hospitals) return []
  const plans: StayPlan[] = []
  for (const year of OWN_YEARS) {
    const count = Number(rng.weighted({ 0: 40, 1: 35, 2: 17, 3: 8 }))
    const first = `${year}-01-02`
    const last = `${year}-12-05`
    const span = dayIndex(last) - dayIndex(first)
    // Admissions spread over the year in `count` equal windows, so stays never overlap.
    for (let i = 0; i < count; i++) {
      const window = Math.floor(span / count)
      const days = rng.int(3, Math.min(20, window - 2))
      const start = addDays(first, i * window + rng.int(0, window - days - 2))
      const level = rng.weighted(age >= 60 ? { 1: 25, 2: 40, 3: 35 } : { 1: 30, 2: 45, 3: 25 })
      const candidates = hospitals.filter(h => String(h.level) === level)
      const hospital = rng.pick(candidates.length > 0 ? candidates : hospitals)
      const medType = rng.weighted<StayMedType>({ 21: 80, 22: 10, 24: 10 })
      const severe = hospital.level === 3 && age >= 30 && rng.chance(0.1)
      const group = medType === '22' ? DIAGNOSES.injury : severe ? DIAGNOSES.severe : age < 18 ? DIAGNOSES.child : DIAGNOSES.adult
      let total: number
      let outPct: number
      if (severe) {
        total = rng.int(120_000_00, 380_000_00)
        outPct = rng.int(6, 16)
      }
      else if (hospital.level === 3) {
        total = rng.int(9_000_00, 95_000_00)
        outPct = rng.int(5, 18)
      }
      else if (hospital.level === 2) {
        total = rng.int(3_500_00, 28_000_00)
        outPct = rng.int(4, 15)
      }
      else {
        total = rng.int(1_200_00, 6_500_00)
        outPct = rng.int(2, 8)
      }
      const outOfList = Math.floor(total * outPct / 100) + rng.int(0, 99)
      const localFund = (person.policyRegion === '520000' || person.policyRegion === '610322') && rng.chance(0.06)
      plans.push({
        key: null,
        hospital,
        medType,
        diagnosis: rng.pick(group),
        admittedAt: `${start} ${pad(rng.int(7, 21))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))}`,
        days,
        total,
        outOfList,
        ...(localFund && { otherShareBp: 3000 }),
      })
    }
  }
  return plans
}

function scriptedStays(person: SandboxPerson): StayPlan[] | null {
  const mine = SCRIPTED_STAYS.filter(s => s.household === person.householdId && s.name === person.name)
  if (mine.length === 0) return null
  return mine.map(s => ({ ...s, hospital: hospitalByCode(s.hospital), key: s.key }))
}

/** A stay of `staysOf` (discharge day, level, amounts) with the details a slip needs, drawn from its own stream. */
function fromUsageStay(person: SandboxPerson, stay: SandboxStay): StayPlan {
  const rng = streamFor(`stay-detail:${person.certNo}:${stay.date}`)
  const hospitals = HOSPITALS[person.countyCode as CountyCode] ?? []
  const candidates = hospitals.filter(h => h.level === stay.hospitalLevel)
  const hospital = candidates.length > 0 ? rng.pick(candidates) : hospitals[0]!
  const days = rng.int(3, 14)
  const age = SEED_YEAR - Number(person.birthDate.slice(0, 4))
  return {
    key: null,
    hospital,
    medType: '21',
    diagnosis: rng.pick(age < 18 ? DIAGNOSES.child : DIAGNOSES.adult),
    admittedAt: `${addDays(stay.date, -days)} ${pad(rng.int(7, 21))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))}`,
    days,
    total: stay.totalFen,
    outOfList: stay.outOfListFen,
  }
}

/**
 * A person's stays: the seed year's from `staysOf` (shared with 5206), earlier years scripted or random.
 * People whose `staysOf` already covers earlier years (hand-written fixtures there) get only those.
 */
function plansFor(person: SandboxPerson): StayPlan[] {
  const shared = staysOf(person)
  const fromUsage = shared.map(stay => fromUsageStay(person, stay))
  if (shared.some(stay => !stay.date.startsWith(String(SEED_YEAR)))) return fromUsage
  const own = scriptedStays(person) ?? randomStays(person)
  return [...own.filter(p => Number(p.admittedAt.slice(0, 4)) < SEED_YEAR), ...fromUsage]
}

const ZERO_YTD: YearToDate = { criticalBurden: 0, criticalPaid: 0, basicPaid: 0, assistancePaid: 0 }

/** Settles one person's stays in time order, carrying the year-to-date accumulations of the bureau's figures. */
function settlePerson(person: SandboxPerson, plans: StayPlan[], serial: { n: number }): SandboxSettlement[] {
  const policyId = POLICY_OF_REGION[person.policyRegion]
  const out: SandboxSettlement[] = []
  let ytd = ZERO_YTD
  let ytdYear = 0
  const rng = streamFor(`settlement-times:${person.certNo}`)
  for (const plan of [...plans].sort((a, b) => a.admittedAt.localeCompare(b.admittedAt))) {
    const admDate = plan.admittedAt.slice(0, 10)
    const dscgDate = addDays(admDate, plan.days)
    if (!coveredFor(person, admDate, dscgDate)) {
      if (plan.key) throw new Error(`scripted stay ${plan.key}: ${person.name} is not covered then`)
      continue
    }
    const dischargedAt = `${dscgDate} ${pad(rng.int(9, 11))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))}`
    const settledAt = `${dscgDate} ${pad(Number(dischargedAt.slice(11, 13)) + 1)}:${dischargedAt.slice(14, 16)}:${pad(rng.int(0, 59))}`
    const year = Number(dscgDate.slice(0, 4))
    if (year !== ytdYear) {
      ytd = ZERO_YTD
      ytdYear = year
    }
    const statuses = statusesOn(person.statuses, dscgDate)
    const level = plan.hospital.level as HospitalLevel
    const disability = disabilityOn(person.statuses, dscgDate)
    const bill = { total: plan.total, outOfList: plan.outOfList, yearToDate: ytd }
    const r = estimateSettlement(policyId, { statuses, disability, hospitalLevel: level, ...bill })
    const basicStep = r.steps.find(s => s.tier === 'basic')
    const basicRate = basicStep?.tier === 'basic' ? basicStep.rate : 0
    const policy: SettlementSplit = { deductible: r.deductible, basic: r.basicPay, critical: r.criticalPay, assistance: r.assistancePay, hospital: r.hospitalBorne, other: 0, personal: r.personalPay }
    const bureau: SettlementSplit = { ...policy }

    let otherLine: SettlementFundLine | null = null
    if (plan.otherFund) {
      bureau.other = Math.min(plan.otherFund.amount, bureau.personal)
      otherLine = { code: plan.otherFund.code, name: plan.otherFund.name, amount: bureau.other }
    }
    else if (plan.otherShareBp && bureau.personal >= 500_00) {
      bureau.other = applyBp(bureau.personal, plan.otherShareBp)
      otherLine = person.policyRegion === '610322'
        ? { code: '999996', name: '医院垫付基金', amount: bureau.other }
        : { code: UNKNOWN_FUND_CODE, name: '防返贫医疗补充保障金', amount: bureau.other }
    }

    const discrepancy = plan.key ? SETTLEMENT_DISCREPANCIES.find(d => d.key === plan.key) ?? null : null
    if (discrepancy) {
      if (discrepancy.field === 'hifmi_pay') bureau.critical += discrepancy.delta
      else if (discrepancy.field === 'maf_pay') bureau.assistance += discrepancy.delta
      else {
        bureau.deductible += discrepancy.delta
        bureau.basic = applyBp(r.inPolicy - bureau.deductible, Math.round(basicRate * 10000))
      }
      if (bureau.critical < 0 || bureau.assistance < 0 || bureau.basic < 0) throw new Error(`discrepancy ${discrepancy.key} makes a negative amount`)
    }
    bureau.personal = plan.total - bureau.basic - bureau.critical - bureau.assistance - bureau.hospital - bureau.other

    // The bureau accumulates what it actually paid.
    ytd = {
      criticalBurden: ytd.criticalBurden + Math.max(0, r.inPolicy - bureau.basic),
      criticalPaid: ytd.criticalPaid + bureau.critical,
      basicPaid: ytd.basicPaid + bureau.basic,
      assistancePaid: ytd.assistancePaid + bureau.assistance,
    }

    const details: SettlementFundLine[] = [{ code: '390100', name: FUND_NAMES[390100], amount: bureau.basic }]
    if (bureau.critical > 0) details.push({ code: '390200', name: FUND_NAMES[390200], amount: bureau.critical })
    if (bureau.assistance > 0) {
      // Fengxiang books the part of the top-up above 1 000 元 as 医疗再救助 (610102).
      const rest = person.policyRegion === '610322' && bureau.assistance > 1_000_00 ? bureau.assistance - 1_000_00 : 0
      details.push({ code: '610100', name: FUND_NAMES[610100], amount: bureau.assistance - rest })
      if (rest > 0) details.push({ code: '610102', name: FUND_NAMES[610102], amount: rest })
    }
    if (bureau.hospital > 0) details.push({ code: '630101', name: FUND_NAMES[630101], amount: bureau.hospital })
    if (otherLine) details.push(otherLine)

    serial.n += 1
    const n = pad(serial.n, 6)
    out.push({
      setlId: `${person.countyCode}${dscgDate.replaceAll('-', '')}${n}`,
      mdtrtId: `${person.countyCode}${admDate.replaceAll('-', '')}${n}`,
      psnNo: person.psnNo,
      certNo: person.certNo,
      admdvs: person.countyCode,
      policyRegion: person.policyRegion,
      policyId,
      hospital: plan.hospital,
      medType: plan.medType,
      diagnosis: plan.diagnosis,
      admittedAt: plan.admittedAt,
      dischargedAt,
      settledAt,
      statuses,
      total: plan.total,
      outOfList: plan.outOfList,
      basicRate,
      policy,
      bureau,
      details,
      scriptKey: plan.key,
      discrepancy,
    })
  }
  return out
}

/**
 * Settles the stays of a population: scripted persons get exactly their scripted stays, everyone else
 * a random number (none for many, several a year for some).
 *
 * @example
 * const slips = generateSettlements(generateSeed())
 * slips.find(s => s.scriptKey === 'weixiuzhen-2025-b')?.discrepancy?.field // 'hifmi_pay'
 */
export function generateSettlements(dataset: SandboxDataset): SandboxSettlement[] {
  const serial = { n: 0 }
  const all: SandboxPerson[] = dataset.persons
  const out: SandboxSettlement[] = []
  for (const person of all) {
    if (person.insurance.length === 0) continue
    const plans = plansFor(person)
    if (plans.length > 0) out.push(...settlePerson(person, plans, serial))
  }
  return out
}

/** Query API over the settlements of one sandbox. */
export interface SettlementStore {
  readonly all: readonly SandboxSettlement[]
  /** A person's settlements, newest first. */
  listForPerson: (psnNo: string) => SandboxSettlement[]
  findById: (setlId: string) => SandboxSettlement | undefined
}

/** Indexes settlements by person and id. */
export function createSettlementStore(settlements: readonly SandboxSettlement[]): SettlementStore {
  const byPerson = new Map<string, SandboxSettlement[]>()
  const byId = new Map<string, SandboxSettlement>()
  for (const s of settlements) {
    byId.set(s.setlId, s)
    const list = byPerson.get(s.psnNo) ?? []
    list.push(s)
    byPerson.set(s.psnNo, list)
  }
  for (const list of byPerson.values()) list.sort((a, b) => b.settledAt.localeCompare(a.settledAt))
  return {
    all: settlements,
    listForPerson: psnNo => byPerson.get(psnNo) ?? [],
    findById: setlId => byId.get(setlId),
  }
}
