import type { DisabilityKind } from '@yibao/shared'
import type { HouseholdSpec, MemberSpec } from './build'
import type { SandboxDataset, SandboxHousehold, SandboxPerson, SandboxStatus } from './model'
import type { CountyCode } from './regions'
import { buildHousehold, createBuildContext, SEED_YEAR, status, streamFor } from './build'
import { addCrossRegionFilings } from './cross-region'
import { buildFixtures } from './fixtures'
import { pickGivenName, pickSurname } from './names'
import { county } from './regions'

/**
 * Deterministic generator of the sandbox population: the fixed fixture households plus random
 * households per county, each drawn from its own seeded stream (never `Math.random`). Calling
 * `generateSeed()` twice yields deep-equal data; each call returns fresh objects that callers may mutate.
 */

/** Random households per county (on top of the fixtures). */
const RANDOM_HOUSEHOLDS: Record<CountyCode, number> = {
  370502: 4,
  370503: 3,
  370523: 3,
  610322: 5,
  522601: 3,
  520112: 3,
  522732: 4,
}

type Template = 'nuclear' | 'three_generation' | 'left_behind' | 'elderly_couple' | 'single_elderly' | 'young_couple'

const TEMPLATE_WEIGHTS: Record<Template, number> = {
  nuclear: 35,
  three_generation: 25,
  left_behind: 15,
  elderly_couple: 10,
  single_elderly: 8,
  young_couple: 7,
}

const DISABILITIES = ['一级肢体残疾', '二级肢体残疾', '一级视力残疾', '二级听力残疾', '三级智力残疾', '三级精神残疾'] as const

/** 残疾类别 of a memo of `DISABILITIES` (no draw of its own: the random streams stay as they were). */
const KIND_OF_MEMO: Record<string, DisabilityKind> = {
  肢体: 'physical',
  视力: 'visual',
  听力: 'hearing',
  智力: 'intellectual',
  精神: 'mental',
}

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

function randomHousehold(countyCode: CountyCode, index: number): HouseholdSpec {
  const c = county(countyCode)
  const rng = streamFor(`random:${countyCode}:${index}`)
  // Babies of the seed year are born in January–April so their age is never negative once tests pin "now" in mid-year.
  const birth = (age: number): string => `${SEED_YEAR - age}-${pad2(rng.int(1, age === 0 ? 4 : 12))}-${pad2(rng.int(1, 28))}`
  const person = (sex: 'male' | 'female', age: number, relation: MemberSpec['relation'], surname?: string): MemberSpec => {
    const birthDate = birth(age)
    const name = `${surname ?? pickSurname(rng, c.provinceName)}${pickGivenName(rng, sex, SEED_YEAR - age)}`
    return { name, sex, birthDate, relation, college: age >= 18 && age <= 22 && rng.chance(0.7) }
  }
  const sexOf = (): 'male' | 'female' => (rng.chance(0.5) ? 'male' : 'female')
  const other = (sex: 'male' | 'female'): 'male' | 'female' => (sex === 'male' ? 'female' : 'male')

  const template = rng.weighted(TEMPLATE_WEIGHTS)
  const members: MemberSpec[] = []
  const headSex: 'male' | 'female' = rng.chance(0.8) ? 'male' : 'female'
  const headSurname = pickSurname(rng, c.provinceName)
  const spouseSurname = pickSurname(rng, c.provinceName)
  // Children carry the father's surname.
  const familySurname = headSex === 'male' ? headSurname : spouseSurname

  const addKids = (count: number, maxAge: number, relation: 'child' | 'grandchild', minAge = 0): void => {
    for (let i = 0; i < count; i++) members.push(person(sexOf(), rng.int(minAge, Math.max(minAge, maxAge)), relation, familySurname))
  }

  switch (template) {
    case 'nuclear': {
      const headAge = rng.int(28, 52)
      members.push(person(headSex, headAge, 'head', headSurname))
      const spouseAge = headAge + rng.int(-3, 3)
      members.push(person(other(headSex), spouseAge, 'spouse', spouseSurname))
      addKids(rng.int(1, 3), Math.min(headAge, spouseAge) - 21, 'child')
      break
    }
    case 'three_generation': {
      const headAge = rng.int(35, 55)
      members.push(person(headSex, headAge, 'head', headSurname))
      const spouseAge = headAge + rng.int(-3, 3)
      members.push(person(other(headSex), spouseAge, 'spouse', spouseSurname))
      addKids(rng.int(1, 2), Math.min(headAge, spouseAge) - 22, 'child')
      const parentAge = headAge + rng.int(23, 32)
      if (rng.chance(0.6)) members.push(person('male', parentAge, 'parent', headSurname))
      members.push(person('female', parentAge - rng.int(0, 4), 'parent'))
      break
    }
    case 'left_behind': {
      const headAge = rng.int(60, 74)
      members.push(person('male', headAge, 'head', headSurname))
      members.push(person('female', headAge - rng.int(0, 4), 'spouse', spouseSurname))
      for (let i = rng.int(1, 2); i > 0; i--) members.push(person(sexOf(), rng.int(3, 15), 'grandchild', headSurname))
      break
    }
    case 'elderly_couple': {
      const headAge = rng.int(62, 82)
      members.push(person('male', headAge, 'head', headSurname))
      members.push(person('female', headAge - rng.int(0, 5), 'spouse', spouseSurname))
      break
    }
    case 'single_elderly':
      members.push(person(sexOf(), rng.int(66, 88), 'head', headSurname))
      break
    case 'young_couple': {
      const headAge = rng.int(23, 31)
      members.push(person('male', headAge, 'head', headSurname))
      members.push(person('female', headAge - rng.int(0, 3), 'spouse', spouseSurname))
      // Most young couples have a baby born this year (a newborn, psn_type 1401).
      if (rng.chance(0.6)) addKids(1, 0, 'child')
      else addKids(1, 3, 'child', 1)
      break
    }
  }

  assignStatuses(rng, c.policyRegion, template, members)
  assignPayments(rng, c.policyRegion, members)
  return { key: `random:${countyCode}:${index}`, id: `${countyCode}${String(200 + index).padStart(6, '0')}`, countyCode, members }
}

function assignStatuses(rng: ReturnType<typeof streamFor>, region: string, template: Template, members: MemberSpec[]): void {
  const household: SandboxStatus[] = []
  const povertyRate = region === '520000' ? 0.4 : region === '610322' ? 0.3 : 0.05
  if (rng.chance(povertyRate)) {
    const begin = `${rng.int(2014, 2016)}-10-01`
    if (region === '520000' && rng.chance(0.4)) {
      // Lifted out of poverty after the transition period, then kept under monitoring (返贫监测).
      household.push(status('poverty_registered', begin, '2023-12-31'), status('marginal', '2024-01-01', null, { memo: '脱贫不稳定户' }))
    }
    else {
      household.push(status('poverty_registered', begin))
    }
  }
  if (rng.chance(0.08)) household.push(status('minimum_living', `${rng.int(2017, 2023)}-${pad2(rng.int(1, 12))}-01`))
  if (template === 'single_elderly' && rng.chance(region === '610322' ? 0.5 : 0.3)) household.push(status('extreme_poverty', `${rng.int(2012, 2020)}-01-01`))

  for (const m of members) {
    // A household status reaches a baby from birth, not before.
    const own = household
      .filter(s => s.end === null || s.end >= m.birthDate)
      .map(s => (s.begin < m.birthDate ? { ...s, begin: m.birthDate } : { ...s }))
    if (rng.chance(0.04)) {
      const memo = rng.pick(DISABILITIES)
      const level = memo.startsWith('一') ? '1' : memo.startsWith('二') ? '2' : '3'
      const begin = `${rng.int(2008, 2022)}-${pad2(rng.int(1, 12))}-${pad2(rng.int(1, 28))}`
      // 贫困标志: still poor (未脱贫) while the household's 建档立卡 registration is in force.
      const poor = own.some(s => s.status === 'poverty_registered' && s.end === null)
      const disabilityKind = KIND_OF_MEMO[memo.slice(2, 4)]
      own.push(status('severe_disability', begin, null, { level, memo, disabilityKind, poor }))
    }
    m.statuses = own
  }
}

function assignPayments(rng: ReturnType<typeof streamFor>, region: string, members: MemberSpec[]): void {
  for (const m of members) {
    const statuses = m.statuses ?? []
    const financePaid = statuses.some(s => s.end === null && (s.status === 'extreme_poverty' || s.status === 'severe_disability'))
    const age = SEED_YEAR - Number(m.birthDate.slice(0, 4))
    // Fengxiang lists adult 财政代缴 residents under its local code 1560 (see dictionaries.ts).
    if (financePaid && region === '610322' && age >= 18 && age < 60) m.psnType = '1560'
    if (!financePaid) {
      const unpaid = [2022, 2023, 2024, 2025].filter(() => rng.chance(0.04))
      if (rng.chance(0.06)) unpaid.push(2026)
      if (unpaid.length > 0) m.unpaidYears = unpaid
    }
    if (age >= 51 && rng.chance(0.1)) m.balanceFen = rng.int(100, 50_000)
  }
}

/**
 * Generates the whole sandbox population: fixtures first, then the random households.
 *
 * @example
 * const { persons, households } = generateSeed()
 * const big = generateSeed({ extraHouseholds: 100 }) // the same people, then 100 more households per county
 */
export function generateSeed(options: { extraHouseholds?: number } = {}): SandboxDataset {
  const ctx = createBuildContext()
  const fixtures = buildFixtures(ctx)
  const households: SandboxHousehold[] = [...fixtures.households]
  const randomPersons: SandboxPerson[] = []
  for (const [code, count] of Object.entries(RANDOM_HOUSEHOLDS) as [CountyCode, number][]) {
    for (let i = 0; i < count + (options.extraHouseholds ?? 0); i++) {
      const built = buildHousehold(randomHousehold(code, i), ctx)
      households.push(built.household)
      randomPersons.push(...built.persons)
    }
  }
  // 异地就医备案 only for random residents: the fixtures (张秀英's household among them) stay without.
  addCrossRegionFilings(randomPersons)
  return { households, persons: [...fixtures.persons, ...randomPersons] }
}
