import type { BuildContext, HouseholdSpec, MemberSpec } from './build'
import type { SandboxHousehold, SandboxPerson } from './model'
import { buildHousehold, makeCertNo, status } from './build'
import { standardFen } from './premiums'
import { virtualUnitName } from './regions'

/**
 * Hand-written households with fixed ID numbers. Tests, demos and the BFF's E2E journeys rely on these
 * people; change them only together with their users. Everything not written here (mobile, address,
 * tokens…) comes from each household's own random stream and is stable too.
 */

function member(spec: MemberSpec): MemberSpec {
  return spec
}

// Demo household (东营区): 张秀英 is the household head, an ordinary adult woman enrolled and paid 2022–2026.
const DEMO = {
  resident: member({ name: '张秀英', sex: 'female', birthDate: '1986-03-15', seq: 42, relation: 'head', nation: '01', mobile: '13805461288', tags: ['demo'] }),
  spouse: member({ name: '王建军', sex: 'male', birthDate: '1984-08-21', seq: 17, relation: 'spouse', nation: '01' }),
  child: member({ name: '王子涵', sex: 'female', birthDate: '2014-09-02', seq: 86, relation: 'child' }),
  parent: member({ name: '刘桂英', sex: 'female', birthDate: '1952-11-08', seq: 24, relation: 'parent', nation: '01', statuses: [status('minimum_living', '2019-07-01')] }),
}

// 三都水族自治县: a 建档立卡 household; the head is also severely disabled (two statuses at once).
const GUIZHOU_POOR = {
  head: member({
    name: '潘光明',
    sex: 'male',
    birthDate: '1978-04-12',
    seq: 31,
    relation: 'head',
    nation: '25',
    statuses: [
      status('poverty_registered', '2015-10-01'),
      status('severe_disability', '2012-05-18', null, {
        level: '2',
        memo: '二级肢体残疾',
        disabilityKind: 'physical',
        poor: true,
      }),
    ],
  }),
  spouse: member({ name: '韦秀珍', sex: 'female', birthDate: '1980-10-03', seq: 48, relation: 'spouse', nation: '09', statuses: [status('poverty_registered', '2015-10-01')] }),
  daughter: member({ name: '潘小燕', sex: 'female', birthDate: '2009-06-18', seq: 62, relation: 'child', statuses: [status('poverty_registered', '2015-10-01')] }),
  son: member({ name: '潘文杰', sex: 'male', birthDate: '2012-03-09', seq: 75, relation: 'child', statuses: [status('poverty_registered', '2015-10-01')] }),
}

// 凤翔: a single elderly 特困 man, fully paid by finance.
const FENGXIANG_EXTREME = {
  head: member({ name: '赵有福', sex: 'male', birthDate: '1948-02-27', seq: 13, relation: 'head', nation: '01', statuses: [status('extreme_poverty', '2014-01-01')] }),
}

// 凤翔: psn_type 1560 (a real local code for 财政代缴五类人员, absent from the sandbox dictionary); 低保 + 一级残疾.
const FENGXIANG_LOCAL_CODE = {
  head: member({
    name: '李春生',
    sex: 'male',
    birthDate: '1975-12-01',
    seq: 53,
    relation: 'head',
    nation: '01',
    psnType: '1560',
    statuses: [
      status('minimum_living', '2017-03-01'),
      status('severe_disability', '2009-09-09', null, {
        level: '1',
        memo: '一级视力残疾',
        disabilityKind: 'visual',
        poor: false,
      }),
    ],
  }),
  mother: member({ name: '王秀兰', sex: 'female', birthDate: '1950-05-20', seq: 28, relation: 'parent' }),
}

// 凤翔: a young couple with a newborn enrolled in her birth year.
const FENGXIANG_NEWBORN = {
  head: member({ name: '刘洋', sex: 'male', birthDate: '1996-07-11', seq: 97, relation: 'head', nation: '01' }),
  spouse: member({ name: '杨静', sex: 'female', birthDate: '1998-01-25', seq: 64, relation: 'spouse', nation: '01' }),
  baby: member({ name: '刘一诺', sex: 'female', birthDate: '2026-02-14', seq: 2, relation: 'child' }),
}

// 广饶县: a middle-school student, a mother who has not paid for 2026 (suspended) and an uncle never enrolled.
const GUANGRAO_FAMILY = {
  head: member({ name: '孙立新', sex: 'male', birthDate: '1983-10-10', seq: 15, relation: 'head', nation: '01' }),
  spouse: member({ name: '高丽', sex: 'female', birthDate: '1985-04-04', seq: 20, relation: 'spouse', nation: '01', unpaidYears: [2026] }),
  student: member({ name: '孙浩然', sex: 'male', birthDate: '2011-05-20', seq: 39, relation: 'child' }),
  brother: member({ name: '孙立伟', sex: 'male', birthDate: '1998-12-12', seq: 51, relation: 'sibling', relationLabel: '弟', neverEnrolled: true }),
}

// 凯里市 (苗族): the son works in Dongying and is enrolled in both places since 2024; the daughter is at college.
const KAILI_FAMILY = {
  head: member({ name: '杨再兴', sex: 'male', birthDate: '1962-03-03', seq: 19, relation: 'head', nation: '06' }),
  spouse: member({ name: '龙秀芝', sex: 'female', birthDate: '1964-08-08', seq: 46, relation: 'spouse', nation: '06' }),
  son: member({ name: '杨光辉', sex: 'male', birthDate: '1990-07-07', seq: 11, relation: 'child', insuDate: '2012-01-01', tags: ['duplicate_enrolment'] }),
  daughter: member({ name: '杨雨欣', sex: 'female', birthDate: '2005-09-12', seq: 88, relation: 'child', college: true }),
}

// 乌当区: moved to employee insurance (310) on 2025-03-01 after paying the 2025 resident premium.
const WUDANG_FAMILY = {
  head: member({ name: '周磊', sex: 'male', birthDate: '1995-03-30', seq: 35, relation: 'head', nation: '01', insuDate: '2013-01-01', tags: ['moved_to_employee'] }),
  spouse: member({ name: '罗丹', sex: 'female', birthDate: '1996-11-02', seq: 44, relation: 'spouse', nation: '09' }),
}

// 河口区: died on 2025-11-20 after paying the 2026 premium on 2025-10-08 (a refund case).
const HEKOU_FAMILY = {
  head: member({ name: '马德明', sex: 'male', birthDate: '1940-06-15', seq: 57, relation: 'head', nation: '03', insuDate: '2009-01-01', tags: ['deceased'] }),
  spouse: member({ name: '陈玉兰', sex: 'female', birthDate: '1943-01-30', seq: 26, relation: 'spouse', nation: '01' }),
}

const FIXTURE_HOUSEHOLDS: HouseholdSpec[] = [
  { key: 'fixture:demo', id: '370502000101', countyCode: '370502', members: Object.values(DEMO) },
  { key: 'fixture:guizhou-poor', id: '522732000101', countyCode: '522732', members: Object.values(GUIZHOU_POOR) },
  { key: 'fixture:fengxiang-extreme', id: '610322000101', countyCode: '610322', members: Object.values(FENGXIANG_EXTREME) },
  { key: 'fixture:fengxiang-local-code', id: '610322000102', countyCode: '610322', members: Object.values(FENGXIANG_LOCAL_CODE) },
  { key: 'fixture:fengxiang-newborn', id: '610322000103', countyCode: '610322', members: Object.values(FENGXIANG_NEWBORN) },
  { key: 'fixture:guangrao', id: '370523000101', countyCode: '370523', members: Object.values(GUANGRAO_FAMILY) },
  { key: 'fixture:kaili', id: '522601000101', countyCode: '522601', members: Object.values(KAILI_FAMILY) },
  { key: 'fixture:wudang', id: '520112000101', countyCode: '520112', members: Object.values(WUDANG_FAMILY) },
  { key: 'fixture:hekou', id: '370503000101', countyCode: '370503', members: Object.values(HEKOU_FAMILY) },
]

function certOf(countyCode: string, m: MemberSpec): string {
  if (m.seq === undefined) throw new Error(`fixture ${m.name} needs a fixed seq`)
  return makeCertNo(m.birthCounty ?? countyCode, m.birthDate, m.seq)
}

/** ID number of the demo resident 张秀英 (东营区, ordinary adult woman, household of 4, paid 2022–2026). */
export const DEMO_RESIDENT_CERT_NO = certOf('370502', DEMO.resident)

/**
 * ID numbers of the named fixtures.
 * - demo*: 张秀英's household (东营区 370502): spouse 王建军, daughter 王子涵 (中小学生, 12), mother 刘桂英 (老年, 低保).
 * - guizhouPoverty: 潘光明, 三都 522732, 建档立卡 + 二级肢体残疾 (two statuses); Guizhou rows send amounts as strings.
 * - fengxiangExtremePoverty: 赵有福, 凤翔 610322, 特困, 财政代缴; Shaanxi rows include insutype 392.
 * - student: 孙浩然, 广饶 370523, 中小学生 1403. collegeStudent: 杨雨欣, 凯里 522601, 大学生 1404.
 * - unknownPsnType: 李春生, 凤翔, psn_type 1560 (not in the dictionary → prefix 15), 低保 + 一级残疾.
 * - newborn: 刘一诺, 凤翔, born 2026-02-14, psn_type 1401.
 * - suspended: 高丽, 广饶, 2026 unpaid → psn_insu_stas 2. neverEnrolled: 孙立伟, 广饶, no insurance at all.
 * - deceased: 马德明, 河口 370503, died 2025-11-20, 2026 premium paid → psn_insu_stas 4.
 * - duplicateEnrolment: 杨光辉, 390 in 凯里 522601 and in 东营区 370502 (2024–2026 both paid).
 * - movedToEmployee: 周磊, 乌当 520112, 390 terminated 2025-03-01, 310 since then.
 */
export const FIXTURE_CERT_NOS = {
  demoResident: DEMO_RESIDENT_CERT_NO,
  demoSpouse: certOf('370502', DEMO.spouse),
  demoChild: certOf('370502', DEMO.child),
  demoParent: certOf('370502', DEMO.parent),
  guizhouPoverty: certOf('522732', GUIZHOU_POOR.head),
  fengxiangExtremePoverty: certOf('610322', FENGXIANG_EXTREME.head),
  student: certOf('370523', GUANGRAO_FAMILY.student),
  collegeStudent: certOf('522601', KAILI_FAMILY.daughter),
  unknownPsnType: certOf('610322', FENGXIANG_LOCAL_CODE.head),
  newborn: certOf('610322', FENGXIANG_NEWBORN.baby),
  suspended: certOf('370523', GUANGRAO_FAMILY.spouse),
  neverEnrolled: certOf('370523', GUANGRAO_FAMILY.brother),
  deceased: certOf('370503', HEKOU_FAMILY.head),
  duplicateEnrolment: certOf('522601', KAILI_FAMILY.son),
  movedToEmployee: certOf('520112', WUDANG_FAMILY.head),
} as const

/** Name of a fixture. */
export type FixtureName = keyof typeof FIXTURE_CERT_NOS

function byCert(persons: SandboxPerson[], certNo: string): SandboxPerson {
  const p = persons.find(x => x.certNo === certNo)
  if (!p) throw new Error(`fixture ${certNo} missing`)
  return p
}

/** Applies the stories that the generic builder cannot express (death, second region, employee insurance). */
function applyStories(persons: SandboxPerson[]): void {
  // Death after paying next year's premium in the concentrated period.
  const dead = byCert(persons, FIXTURE_CERT_NOS.deceased)
  dead.deathDate = '2025-11-20'
  for (const rel of dead.insurance) {
    rel.endDate = '2025-11-20'
    rel.endReason = 'death'
  }
  const c2026 = dead.contributions.find(c => c.year === 2026)
  if (c2026) {
    c2026.paid = true
    c2026.paidAt = '2025-10-08T09:30:12.000+08:00'
    c2026.channel = 'wechat'
  }

  // Duplicate enrolment: also registered in 东营区 with a residence permit since 2024.
  const dup = byCert(persons, FIXTURE_CERT_NOS.duplicateEnrolment)
  dup.insurance.push({ insutype: '390', admdvs: '370502', insuDate: '2024-01-01', endDate: null, endReason: null, empName: virtualUnitName('370502'), balanceFen: 0, psnType: null, cvlservFlag: '0' })
  for (const year of [2024, 2025, 2026]) {
    const std = standardFen('370500', year, 'adult')
    dup.contributions.push({
      year,
      admdvs: '370502',
      insutype: '390',
      psnType: '1501',
      category: 'adult',
      paid: true,
      standardFen: std,
      subsidyFen: 0,
      personalFen: std,
      paidAt: `${year - 1}-11-0${year - 2022}T19:12:40.000+08:00`,
      channel: 'alipay',
      receiptNo: `370502${year}7${String(year * 7).padStart(7, '0')}`,
    })
  }

  // Moved to employee insurance: resident relation terminated, employee relation with an account balance.
  const emp = byCert(persons, FIXTURE_CERT_NOS.movedToEmployee)
  for (const rel of emp.insurance) {
    rel.endDate = '2025-03-01'
    rel.endReason = 'moved_to_employee'
  }
  emp.insurance.push({ insutype: '310', admdvs: '520112', insuDate: '2025-03-01', endDate: null, endReason: null, empName: '贵阳顺达物流有限公司', balanceFen: 128_640, psnType: '11', cvlservFlag: '0' })
  emp.contributions = emp.contributions.filter(c => c.year < 2026)
  emp.category = 'employee'
  emp.psnType = '11'
}

/** Builds the fixture households (run before the random ones so their ID numbers are reserved). */
export function buildFixtures(ctx: BuildContext): { households: SandboxHousehold[], persons: SandboxPerson[] } {
  const households: SandboxHousehold[] = []
  const persons: SandboxPerson[] = []
  for (const spec of FIXTURE_HOUSEHOLDS) {
    const built = buildHousehold(spec, ctx)
    households.push(built.household)
    persons.push(...built.persons)
  }
  applyStories(persons)
  return { households, persons }
}
