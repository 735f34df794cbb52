import type { FixtureName } from './fixtures'
import type { SandboxPerson } from './model'
import { hashLabel, SEED_YEAR } from './build'
import { FIXTURE_CERT_NOS } from './fixtures'

/**
 * 门诊慢特病 filings (人员慢特病备案, queried with 5301). The codes follow the national `M` + 5 digit
 * pattern; the exact national table is not verified, so these are the sandbox's own values. 两病
 * (高血压、糖尿病门诊用药保障) are filed with their own codes so the BFF can tell them apart.
 */
export const OPSP_DISEASES = {
  M03900: { name: '高血压（两病）', twoDiseases: true },
  M01600: { name: '糖尿病（两病）', twoDiseases: true },
  M04500: { name: '慢性阻塞性肺疾病', twoDiseases: false },
  M07800: { name: '慢性肾功能衰竭（透析治疗）', twoDiseases: false },
  M00300: { name: '恶性肿瘤门诊治疗', twoDiseases: false },
} as const

/** Code of a chronic or special disease in the sandbox table. */
export type OpspDiseaseCode = keyof typeof OPSP_DISEASES

/** One filing: from `begin` to `end` (inclusive; `null` = open). */
export interface SandboxChronicFiling {
  code: OpspDiseaseCode
  begin: string
  end: string | null
}

/** Hand-written filings of named fixtures (stable: tests and demos read them). */
const FIXTURE_FILINGS: Partial<Record<FixtureName, SandboxChronicFiling[]>> = {
  // 刘桂英 (74, 低保): hypertension under the 两病 scheme.
  demoParent: [{ code: 'M03900', begin: '2019-03-01', end: null }],
  // 潘光明: diabetes (两病).
  guizhouPoverty: [{ code: 'M01600', begin: '2021-06-10', end: null }],
  // 赵有福 (78, 特困): COPD and hypertension.
  fengxiangExtremePoverty: [
    { code: 'M04500', begin: '2018-09-01', end: null },
    { code: 'M03900', begin: '2018-09-01', end: null },
  ],
  // 马德明 died on 2025-11-20: his filing ended that day.
  deceased: [{ code: 'M03900', begin: '2016-05-01', end: '2025-11-20' }],
}

const FILINGS_BY_CERT = new Map<string, SandboxChronicFiling[]>(
  (Object.entries(FIXTURE_FILINGS) as [FixtureName, SandboxChronicFiling[]][]).map(([name, f]) => [FIXTURE_CERT_NOS[name], f]),
)
const FIXTURE_CERTS = new Set<string>(Object.values(FIXTURE_CERT_NOS))

/**
 * Filings of a person: the fixture's own, or, for other residents aged 55 or more, deterministic ones
 * (about one in four has hypertension, one in nine diabetes).
 */
export function chronicFilingsOf(person: SandboxPerson): SandboxChronicFiling[] {
  const fixed = FILINGS_BY_CERT.get(person.certNo)
  if (fixed) return fixed
  if (FIXTURE_CERTS.has(person.certNo)) return []
  const age = SEED_YEAR - Number(person.birthDate.slice(0, 4))
  if (age < 55 || person.insurance.length === 0) return []
  const h = hashLabel(`opsp:${person.certNo}`)
  const begin = `${2016 + (h >>> 8) % 8}-${String(1 + (h >>> 12) % 12).padStart(2, '0')}-01`
  const filings: SandboxChronicFiling[] = []
  if (h % 4 === 0) filings.push({ code: 'M03900', begin, end: person.deathDate })
  if (h % 9 === 0) filings.push({ code: 'M01600', begin, end: person.deathDate })
  return filings
}
