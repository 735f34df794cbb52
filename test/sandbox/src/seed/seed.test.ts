import type { SandboxPerson } from './model'
import { idCardFacts, isValidIdCard, SPECIAL_STATUSES } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import { PSN_IDET_TYPES } from '../nhsa/dictionaries'
import { categoryIn, SEED_YEAR } from './build'
import { DEMO_RESIDENT_CERT_NO, FIXTURE_CERT_NOS } from './fixtures'
import { generateSeed } from './generate'
import { county } from './regions'
import { createResidentStore, findPersonByCertNo, listHousehold, listPersons } from './store'

const seed = generateSeed()
const store = createResidentStore(seed)

function years(a: string, b: string): number {
  return Number(b.slice(0, 4)) - Number(a.slice(0, 4))
}

describe('seeded residents', () => {
  it('has 60–120 residents across the three policy regions and their counties', () => {
    expect(seed.persons.length).toBeGreaterThanOrEqual(60)
    expect(seed.persons.length).toBeLessThanOrEqual(120)
    const regions = new Set(seed.persons.map(p => p.policyRegion))
    expect([...regions].sort()).toEqual(['370500', '520000', '610322'])
    const counties = new Set(seed.persons.map(p => p.countyCode))
    for (const code of ['370502', '370503', '370523', '610322', '522601', '520112', '522732']) expect(counties).toContain(code)
  })

  it('gives every resident a valid GB 11643 number consistent with birth date, sex and region', () => {
    for (const p of seed.persons) {
      expect(isValidIdCard(p.certNo), p.certNo).toBe(true)
      const facts = idCardFacts(p.certNo)
      expect(facts.birthDate).toBe(p.birthDate)
      expect(facts.sex).toBe(p.sex)
      expect(() => county(facts.regionCode)).not.toThrow()
    }
  })

  it('keeps certNo, psnNo and ecToken unique', () => {
    for (const key of ['certNo', 'psnNo', 'ecToken', 'ssCardNo'] as const) {
      expect(new Set(seed.persons.map(p => p[key])).size).toBe(seed.persons.length)
    }
  })

  it('gives every resident a Chinese name and an 11-digit mobile number', () => {
    for (const p of seed.persons) {
      expect(p.name).toMatch(/^[\u4E00-\u9FA5]{2,4}$/)
      expect(p.mobile).toMatch(/^1[3-9]\d{9}$/)
    }
  })

  it('is deterministic: two generations are deep-equal', () => {
    expect(generateSeed()).toEqual(generateSeed())
  })

  it('derives the category from age as the bureau counts it', () => {
    for (const p of seed.persons) {
      if (p.category === 'employee') continue
      const age = SEED_YEAR - Number(p.birthDate.slice(0, 4))
      expect(p.category).toBe(categoryIn(SEED_YEAR, p.birthDate, p.category === 'college_student'))
      if (p.category === 'newborn') expect(age).toBe(0)
      if (p.category === 'student') expect(age).toBeLessThan(18)
      if (p.category === 'college_student') expect(age).toBeGreaterThanOrEqual(18)
      if (p.category === 'senior') expect(age).toBeGreaterThanOrEqual(60)
    }
  })

  it('mixes categories and special statuses, some people holding two at once', () => {
    const categories = new Set(seed.persons.map(p => p.category))
    for (const c of ['newborn', 'preschool', 'student', 'college_student', 'adult', 'senior', 'employee']) expect(categories).toContain(c)
    const statuses = new Set(seed.persons.flatMap(p => p.statuses.map(s => s.status)))
    expect([...statuses].sort()).toEqual([...SPECIAL_STATUSES].sort())
    expect(listPersons({ tag: 'multiple_statuses' }).length).toBeGreaterThanOrEqual(2)
    for (const p of seed.persons) {
      for (const s of p.statuses) {
        expect(PSN_IDET_TYPES[s.idetType].status).toBe(s.status)
        expect(s.begin >= p.birthDate).toBe(true)
        if (s.end !== null) expect(s.end >= s.begin).toBe(true)
        expect(s.level !== null).toBe(s.status === 'severe_disability')
      }
    }
  })

  it('records 2022–2026 contributions with consistent amounts', () => {
    for (const p of seed.persons) {
      for (const c of p.contributions) {
        expect(c.year).toBeGreaterThanOrEqual(2022)
        expect(c.year).toBeLessThanOrEqual(2026)
        expect(c.personalFen).toBe(c.standardFen - c.subsidyFen)
        expect(c.personalFen).toBeGreaterThanOrEqual(0)
        expect(c.paidAt !== null).toBe(c.paid)
        expect(c.receiptNo !== null).toBe(c.paid)
        if (c.paid) expect(c.channel === 'finance').toBe(c.personalFen === 0)
        expect(Number(c.year)).toBeGreaterThanOrEqual(Number(p.birthDate.slice(0, 4)))
      }
    }
    expect(listPersons({ tag: 'gap_year' }).length).toBeGreaterThan(0)
    expect(listPersons({ tag: 'suspended' }).length).toBeGreaterThan(0)
  })
})

describe('households (户口簿)', () => {
  it('lists every person in exactly one household, head first', () => {
    const seen = new Map<string, string>()
    for (const h of seed.households) {
      const members = listHouseholdOf(h.id)
      expect(members.length).toBe(h.memberCertNos.length)
      expect(members[0]?.certNo).toBe(h.headCertNo)
      expect(members.filter(m => m.relation === 'head')).toHaveLength(1)
      for (const m of members) {
        expect(seen.has(m.certNo)).toBe(false)
        seen.set(m.certNo, h.id)
        expect(m.householdId).toBe(h.id)
        expect(m.countyCode).toBe(h.countyCode)
        expect(m.address).toBe(h.address)
      }
    }
    expect(seen.size).toBe(seed.persons.length)
  })

  it('has plausible relationships: spouses of the other sex, children younger, parents older', () => {
    for (const h of seed.households) {
      const [head, ...others] = listHouseholdOf(h.id) as [SandboxPerson, ...SandboxPerson[]]
      expect(others.filter(m => m.relation === 'spouse').length).toBeLessThanOrEqual(1)
      for (const m of others) {
        switch (m.relation) {
          case 'spouse':
            expect(m.sex).not.toBe(head.sex)
            expect(Math.abs(years(m.birthDate, head.birthDate))).toBeLessThanOrEqual(10)
            expect(m.relationLabel).toBe(m.sex === 'male' ? '夫' : '妻')
            break
          case 'child':
            expect(years(head.birthDate, m.birthDate)).toBeGreaterThanOrEqual(18)
            expect(m.relationLabel).toBe(m.sex === 'male' ? '子' : '女')
            break
          case 'parent':
            expect(years(m.birthDate, head.birthDate)).toBeGreaterThanOrEqual(18)
            expect(m.relationLabel).toBe(m.sex === 'male' ? '父亲' : '母亲')
            break
          case 'grandchild':
            expect(years(head.birthDate, m.birthDate)).toBeGreaterThanOrEqual(36)
            expect(m.relationLabel).toBe(m.sex === 'male' ? '孙子' : '孙女')
            break
          case 'sibling':
            expect(Math.abs(years(m.birthDate, head.birthDate))).toBeLessThanOrEqual(25)
            break
          case 'head':
            throw new Error('second head')
        }
      }
    }
  })

  it('finds a household by 户号 or by any member', () => {
    expect(listHousehold(FIXTURE_CERT_NOS.demoChild).map(p => p.certNo)).toEqual(listHousehold('370502000101').map(p => p.certNo))
    expect(listHousehold('nope')).toEqual([])
  })
})

describe('fixtures', () => {
  it('demo resident 张秀英: Dongying adult woman, household of 4, paid 2022–2026', () => {
    const demo = findPersonByCertNo(DEMO_RESIDENT_CERT_NO)!
    expect(demo).toMatchObject({ name: '张秀英', sex: 'female', countyCode: '370502', policyRegion: '370500', category: 'adult', psnType: '1501', relation: 'head', statuses: [] })
    expect(demo.contributions.map(c => `${c.year}:${c.paid}`)).toEqual(['2022:true', '2023:true', '2024:true', '2025:true', '2026:true'])
    const family = listHousehold(DEMO_RESIDENT_CERT_NO)
    expect(family.map(p => p.relationLabel)).toEqual(['户主', '夫', '女', '母亲'])
    const child = family.find(p => p.relation === 'child')!
    expect(child.category).toBe('student')
    expect(SEED_YEAR - Number(child.birthDate.slice(0, 4))).toBeLessThan(16)
    const mother = family.find(p => p.relation === 'parent')!
    expect(mother.category).toBe('senior')
    expect(mother.statuses.map(s => s.status)).toEqual(['minimum_living'])
  })

  it('named fixtures have the stories their names promise', () => {
    const f = (key: keyof typeof FIXTURE_CERT_NOS) => store.findPersonByCertNo(FIXTURE_CERT_NOS[key])!
    expect(f('guizhouPoverty').countyCode.startsWith('52')).toBe(true)
    expect(f('guizhouPoverty').statuses.map(s => s.status)).toContain('poverty_registered')
    expect(f('fengxiangExtremePoverty').countyCode).toBe('610322')
    expect(f('fengxiangExtremePoverty').statuses.map(s => s.status)).toEqual(['extreme_poverty'])
    expect(f('student').category).toBe('student')
    expect(f('collegeStudent').category).toBe('college_student')
    expect(f('unknownPsnType').psnType).toBe('1560')
    expect(f('newborn').category).toBe('newborn')
    expect(f('deceased').deathDate).toBe('2025-11-20')
    expect(f('deceased').contributions.find(c => c.year === 2026)?.paidAt?.startsWith('2025-10-08')).toBe(true)
    expect(f('duplicateEnrolment').insurance.filter(r => r.insutype === '390').map(r => r.admdvs)).toEqual(['522601', '370502'])
    expect(f('movedToEmployee').insurance.map(r => `${r.insutype}:${r.endDate ?? '-'}`)).toEqual(['390:2025-03-01', '310:-'])
    expect(f('neverEnrolled').insurance).toEqual([])
    expect(f('suspended').contributions.find(c => c.year === 2026)?.paid).toBe(false)
  })
})

describe('异地就医备案 (cross-region filings)', () => {
  it('seeds one resident per policy region, none in the fixture households', () => {
    const holders = seed.persons.filter(p => p.crossRegionFilings.length > 0)
    expect(holders.map(p => p.policyRegion).sort()).toEqual(['370500', '520000', '610322'])
    const fixtureHouseholds = new Set(Object.values(FIXTURE_CERT_NOS).map(c => store.findPersonByCertNo(c)!.householdId))
    for (const p of holders) expect(fixtureHouseholds.has(p.householdId)).toBe(false)
    expect(listHousehold(DEMO_RESIDENT_CERT_NO).flatMap(p => p.crossRegionFilings)).toEqual([])
    const filings = holders.flatMap(p => p.crossRegionFilings.map(f => ({ p, f })))
    expect(new Set(filings.map(({ f }) => f.sn)).size).toBe(filings.length)
    for (const { p, f } of filings) {
      expect(f.rlocAdmdvs.slice(0, 4)).not.toBe(f.insuAdmdvs.slice(0, 4))
      expect(p.insurance.some(r => r.admdvs === f.insuAdmdvs && r.insutype === f.insutype && r.endDate === null)).toBe(true)
      expect(f.valid).toBe(f.cancelledAt === null)
      expect(f.end === null).toBe(['02', '03', '04'].includes(f.rlocRea))
    }
    // Each has a cancelled old temporary filing; one also holds a valid long-term 04 filing, and one a trip that ended.
    for (const p of holders) expect(p.crossRegionFilings.some(f => !f.valid && f.end !== null)).toBe(true)
    expect(filings.filter(({ f }) => f.valid && f.end === null).map(({ f }) => [f.rlocRea, f.promFlag])).toEqual([['04', '1']])
    expect(filings.filter(({ f }) => f.valid && f.end !== null).map(({ f }) => f.end)).toEqual(['2025-11-30'])
  })
})

function listHouseholdOf(id: string): SandboxPerson[] {
  return store.listHousehold(id)
}
