import type { DisabilityFacts, DisabilityKind, PersonCategory, SpecialStatus } from '@yibao/shared'
import type { NatyCode } from '../nhsa/dictionaries'
import type { Prng } from '../lib/prng'
import type {
  ContributionChannel,
  HouseholdRelation,
  SandboxContribution,
  SandboxHousehold,
  SandboxInsurance,
  SandboxPerson,
  SandboxStatus,
  SandboxTag,
} from './model'
import { idCardCheckChar } from '@yibao/shared'
import { IDET_TYPE_BY_STATUS } from '../nhsa/dictionaries'
import { createPrng } from '../lib/prng'
import { pickAddressTail, pickMobile } from './names'
import { standardFen, subsidyFen } from './premiums'
import { county, financePoolName, virtualUnitName } from './regions'

/**
 * Builds fully formed `SandboxPerson`s and `SandboxHousehold`s from short member specs. Both the
 * hand-written fixtures and the random households go through here, so every resident obeys the same
 * rules (valid ID, category from age, contributions per year, 392 rows in Shaanxi…).
 */

/** Years of contribution history the seed holds. */
export const SEED_YEARS = [2022, 2023, 2024, 2025, 2026] as const
/** The year categories and psn_type of `SandboxPerson` refer to. */
export const SEED_YEAR = 2026
/** Master seed; every random stream is derived from it and a label. */
export const MASTER_SEED = 0x20260101

/** FNV-1a hash of a label, used to derive independent, stable random streams. */
export function hashLabel(label: string): number {
  let h = 0x811C9DC5
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/** A random stream for a label (adding a household never shifts another household's data). */
export function streamFor(label: string): Prng {
  return createPrng((MASTER_SEED ^ hashLabel(label)) >>> 0)
}

/** GB 11643 number from its parts: county, birth date `YYYY-MM-DD` and 3-digit sequence. */
export function makeCertNo(countyCode: string, birthDate: string, seq: number): string {
  const first17 = `${countyCode}${birthDate.replaceAll('-', '')}${String(seq).padStart(3, '0')}`
  return `${first17}${idCardCheckChar(first17)}`
}

/** Creates a special status record. */
export function status(
  kind: SpecialStatus,
  begin: string,
  end: string | null = null,
  extra: { level?: string, memo?: string, disabilityKind?: DisabilityKind, poor?: boolean } = {},
): SandboxStatus {
  const disabled = kind === 'severe_disability'
  return {
    status: kind,
    idetType: IDET_TYPE_BY_STATUS[kind],
    level: extra.level ?? null,
    memo: extra.memo ?? null,
    disabilityKind: disabled ? extra.disabilityKind ?? null : null,
    poor: disabled ? extra.poor ?? false : null,
    begin,
    end,
  }
}

/**
 * The engine's facts of the severe_disability status in force on `date` (kind, grade, 贫困标志), or `null`
 * (none in force, or its kind or grade unknown): what a policy that counts only part of the 重度残疾人 needs.
 */
export function disabilityOn(statuses: readonly SandboxStatus[], date: string): DisabilityFacts | null {
  const s = statuses.find(x => x.status === 'severe_disability' && x.begin <= date && (x.end === null || x.end >= date))
  const grade = Number(s?.level)
  if (!s?.disabilityKind || !(grade === 1 || grade === 2 || grade === 3 || grade === 4)) return null
  return { kind: s.disabilityKind, grade, poor: s.poor === true }
}

/** Category a person falls in during `year` (ages are reached within the year, as bureaus count them). */
export function categoryIn(year: number, birthDate: string, college: boolean): PersonCategory {
  const age = year - Number(birthDate.slice(0, 4))
  if (age <= 0) return 'newborn'
  if (age < 6) return 'preschool'
  if (age < 18) return 'student'
  if (college && age <= 22) return 'college_student'
  if (age >= 60) return 'senior'
  return 'adult'
}

/** psn_type of a resident category (dictionary in nhsa/dictionaries.ts). */
export const PSN_TYPE_BY_CATEGORY: Partial<Record<PersonCategory, string>> = {
  newborn: '1401',
  preschool: '1402',
  student: '1403',
  college_student: '1404',
  minor: '1405',
  adult: '1501',
  senior: '1601',
  employee: '11',
  retiree: '1201',
}

/** Statuses in force on 1 January of a year. */
export function statusesOn(statuses: readonly SandboxStatus[], date: string): SpecialStatus[] {
  return statuses.filter(s => s.begin <= date && (s.end === null || s.end >= date)).map(s => s.status)
}

/** What a member spec may say; everything else is derived or drawn from the person's own stream. */
export interface MemberSpec {
  name: string
  sex: 'male' | 'female'
  birthDate: string
  relation: HouseholdRelation
  /** Overrides the label derived from relation and sex (e.g. 兄 vs 弟). */
  relationLabel?: string
  /** County that issued the ID number; defaults to the household county. */
  birthCounty?: string
  /** Fixed 3-digit ID sequence (odd for men, even for women); random when absent. */
  seq?: number
  nation?: NatyCode
  statuses?: SandboxStatus[]
  /** Studies at college when 18–22. */
  college?: boolean
  /** Benefit years left unpaid. */
  unpaidYears?: number[]
  /** Never registered: no insurance relation, no contributions. */
  neverEnrolled?: boolean
  /** First day of the 390 relation; default: birth date for people born since 2008, else 2008–2016. */
  insuDate?: string
  /** psn_type forced for every year (unknown local codes). */
  psnType?: string
  /** Resident account balance (fen) on the 390 relation. */
  balanceFen?: number
  mobile?: string
  tags?: SandboxTag[]
}

/** A household spec: head first. */
export interface HouseholdSpec {
  /** Stream label; keep it stable so the household's random fields stay stable. */
  key: string
  id: string
  countyCode: string
  members: MemberSpec[]
}

/** Uniqueness bookkeeping shared by one generation run. */
export interface BuildContext {
  certNos: Set<string>
  mobiles: Set<string>
  psnNos: Set<string>
}

/** Fresh bookkeeping for one generation. */
export function createBuildContext(): BuildContext {
  return { certNos: new Set(), mobiles: new Set(), psnNos: new Set() }
}

const RELATION_LABELS: Record<HouseholdRelation, { male: string, female: string }> = {
  head: { male: '户主', female: '户主' },
  spouse: { male: '夫', female: '妻' },
  child: { male: '子', female: '女' },
  parent: { male: '父亲', female: '母亲' },
  grandchild: { male: '孙子', female: '孙女' },
  sibling: { male: '弟', female: '妹' },
}

const CHANNEL_WEIGHTS: Record<Exclude<ContributionChannel, 'finance'>, number> = { wechat: 45, alipay: 25, bank_app: 20, tax_hall: 10 }

function hex(rng: Prng, length: number): string {
  let out = ''
  while (out.length < length) out += rng.int(0, 15).toString(16)
  return out.toUpperCase()
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

/** Moment of payment for a benefit year: concentrated period (Sep–Dec of year − 1) or the extension (Jan–Feb). */
function paymentMoment(rng: Prng, year: number, birthDate: string): string {
  let day: string
  if (Number(birthDate.slice(0, 4)) === year) {
    day = addDays(birthDate, rng.int(8, 45)) // newborns are enrolled within 90 days of birth
  }
  else if (rng.chance(0.8)) {
    day = `${year - 1}-${pad2(rng.int(9, 12))}-${pad2(rng.int(1, 28))}`
  }
  else {
    day = `${year}-${pad2(rng.int(1, 2))}-${pad2(rng.int(1, 28))}`
  }
  return `${day}T${pad2(rng.int(8, 21))}:${pad2(rng.int(0, 59))}:${pad2(rng.int(0, 59))}.000+08:00`
}

function uniqueCertNo(rng: Prng, ctx: BuildContext, countyCode: string, spec: MemberSpec): string {
  const parity = spec.sex === 'male' ? 1 : 0
  if (spec.seq !== undefined) {
    if (spec.seq % 2 !== parity) throw new Error(`ID sequence ${spec.seq} does not match sex of ${spec.name}`)
    const certNo = makeCertNo(countyCode, spec.birthDate, spec.seq)
    if (ctx.certNos.has(certNo)) throw new Error(`duplicate fixture certNo ${certNo}`)
    ctx.certNos.add(certNo)
    return certNo
  }
  for (;;) {
    const seq = rng.int(parity === 1 ? 0 : 1, 499) * 2 + parity
    const certNo = makeCertNo(countyCode, spec.birthDate, seq)
    if (!ctx.certNos.has(certNo)) {
      ctx.certNos.add(certNo)
      return certNo
    }
  }
}

function psnNoFor(ctx: BuildContext, certNo: string, countyCode: string): string {
  for (let salt = 0; ; salt++) {
    const serial = (hashLabel(`${certNo}#${salt}`) % 100_000_000).toString().padStart(8, '0')
    const psnNo = `${countyCode.slice(0, 2)}000000${countyCode.slice(2, 6)}${serial}`
    if (!ctx.psnNos.has(psnNo)) {
      ctx.psnNos.add(psnNo)
      return psnNo
    }
  }
}

/** emp_name for a resident given the 2026 category and whether finance pays everything. */
function empNameFor(countyCode: string, category: PersonCategory, financePaid: SpecialStatus | null, rng: Prng): string {
  const c = county(countyCode)
  if (financePaid === 'extreme_poverty') return financePoolName(countyCode, '特困人员')
  if (financePaid) return financePoolName(countyCode, '五类人员')
  if (category === 'student') return rng.pick(c.schools)
  if (category === 'college_student') return c.college
  return virtualUnitName(countyCode)
}

/** Builds the persons of one household and the household record. */
export function buildHousehold(spec: HouseholdSpec, ctx: BuildContext): { household: SandboxHousehold, persons: SandboxPerson[] } {
  const c = county(spec.countyCode)
  const rng = streamFor(`household:${spec.key}`)
  const town = rng.pick(c.towns)
  const address = `${c.provinceName}${c.cityName}${c.name}${town}${pickAddressTail(rng)}`
  const persons: SandboxPerson[] = []
  let headMobile = ''

  for (const m of spec.members) {
    const certNo = uniqueCertNo(rng, ctx, m.birthCounty ?? spec.countyCode, m)
    const pr = streamFor(`person:${certNo}`)
    const adult = SEED_YEAR - Number(m.birthDate.slice(0, 4)) >= 18
    const mobile = m.mobile ?? (adult || !headMobile ? pickMobile(pr, ctx.mobiles) : headMobile)
    if (m.mobile) ctx.mobiles.add(m.mobile)
    if (!headMobile) headMobile = mobile
    const statuses = m.statuses ?? []
    const college = m.college ?? false
    const category = categoryIn(SEED_YEAR, m.birthDate, college)
    const psnType = m.psnType ?? PSN_TYPE_BY_CATEGORY[category] ?? '1501'
    const tags = new Set<SandboxTag>(m.tags ?? [])
    if (category === 'newborn') tags.add('newborn')
    if (category === 'student') tags.add('student')
    if (category === 'college_student') tags.add('college_student')
    if (m.psnType && !Object.values(PSN_TYPE_BY_CATEGORY).includes(m.psnType)) tags.add('unknown_psn_type')
    if (statusesOn(statuses, `${SEED_YEAR}-01-01`).length >= 2) tags.add('multiple_statuses')
    if (statuses.some(s => s.end !== null)) tags.add('status_history')

    const birthYear = Number(m.birthDate.slice(0, 4))
    const insuDate = m.insuDate ?? (birthYear >= 2008 ? m.birthDate : `${pr.int(2008, 2016)}-01-01`)
    const contributions: SandboxContribution[] = []
    const insurance: SandboxInsurance[] = []
    const fullSubsidyNow = statusesOn(statuses, `${SEED_YEAR}-01-01`).find(s => s === 'extreme_poverty' || s === 'severe_disability') ?? null

    if (!m.neverEnrolled) {
      for (const year of SEED_YEARS) {
        if (year < birthYear || year < Number(insuDate.slice(0, 4))) continue
        const yearCategory = categoryIn(year, m.birthDate, college)
        const standard = standardFen(c.policyRegion, year, yearCategory)
        const subsidy = subsidyFen(statusesOn(statuses, `${year}-01-01`), standard)
        const personal = standard - subsidy
        const paid = personal === 0 || !(m.unpaidYears ?? []).includes(year)
        const paidAt = paid ? (personal === 0 ? `${year - 1}-12-${pad2(pr.int(1, 20))}T10:00:00.000+08:00` : paymentMoment(pr, year, m.birthDate)) : null
        contributions.push({
          year,
          admdvs: spec.countyCode,
          insutype: '390',
          psnType: m.psnType ?? PSN_TYPE_BY_CATEGORY[yearCategory] ?? '1501',
          category: yearCategory,
          paid,
          standardFen: standard,
          subsidyFen: subsidy,
          personalFen: personal,
          paidAt,
          channel: paid ? (personal === 0 ? 'finance' : pr.weighted(CHANNEL_WEIGHTS)) : null,
          receiptNo: paid ? `${spec.countyCode}${year}${(hashLabel(`${certNo}:${year}`) % 100_000_000).toString().padStart(8, '0')}` : null,
        })
        if (!paid) tags.add(year === SEED_YEAR ? 'suspended' : 'gap_year')
      }
      if (contributions.some(x => x.channel === 'finance')) tags.add('finance_paid')
      insurance.push({
        insutype: '390',
        admdvs: spec.countyCode,
        insuDate,
        endDate: null,
        endReason: null,
        empName: empNameFor(spec.countyCode, category, fullSubsidyNow, pr),
        balanceFen: m.balanceFen ?? 0,
        psnType: null,
        cvlservFlag: '0',
      })
    }
    else {
      tags.add('never_enrolled')
    }

    persons.push({
      psnNo: psnNoFor(ctx, certNo, spec.countyCode),
      certNo,
      name: m.name,
      sex: m.sex,
      nation: m.nation ?? (persons[0]?.nation && m.relation !== 'spouse' ? persons[0].nation : pr.weighted(c.nations as Record<NatyCode, number>)),
      birthDate: m.birthDate,
      mobile,
      address,
      countyCode: spec.countyCode,
      policyRegion: c.policyRegion,
      householdId: spec.id,
      relation: m.relation,
      relationLabel: m.relationLabel ?? RELATION_LABELS[m.relation][m.sex],
      category,
      psnType,
      statuses,
      insurance,
      contributions,
      deathDate: null,
      ecToken: `${spec.countyCode}${hex(pr, 26)}`,
      ssCardNo: `${String.fromCharCode(65 + pr.int(0, 25))}${String(pr.int(0, 99_999_999)).padStart(8, '0')}`,
      ssCardSn: hex(pr, 32),
      crossRegionFilings: [],
      tags: [...tags],
    })
  }
  addCriticalIllnessRows(persons)
  const head = persons[0]
  if (!head || spec.members[0]?.relation !== 'head') throw new Error(`household ${spec.id} must start with its head`)
  return {
    household: {
      id: spec.id,
      countyCode: spec.countyCode,
      policyRegion: c.policyRegion,
      address,
      headCertNo: head.certNo,
      memberCertNos: persons.map(p => p.certNo),
    },
    persons,
  }
}

/**
 * Shaanxi's platform lists the 城乡居民大病保险 relation (392) next to 390; the sandbox mirrors every 390
 * relation in a 61xxxx 参保地 as a 392 row (Shandong and Guizhou persons get no 392 row).
 */
export function addCriticalIllnessRows(persons: readonly SandboxPerson[]): void {
  for (const p of persons) {
    for (const rel of [...p.insurance]) {
      if (rel.insutype === '390' && rel.admdvs.startsWith('61') && !p.insurance.some(r => r.insutype === '392' && r.admdvs === rel.admdvs)) {
        p.insurance.push({ ...rel, insutype: '392', balanceFen: 0 })
      }
    }
  }
}
