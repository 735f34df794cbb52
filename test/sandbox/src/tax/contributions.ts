import type { ContributionChannel, SandboxContribution, SandboxPerson } from '../seed/model'
import { shanghaiDate, shanghaiYear } from '@yibao/shared'
import { categoryIn, hashLabel, PSN_TYPE_BY_CATEGORY, SEED_YEAR, statusesOn } from '../seed/build'
import { standardFen, subsidyFen } from '../seed/premiums'

/**
 * What the tax bureau's 社保费征收 system knows about a resident's yearly contributions, as of its clock
 * (`now`, never the machine's date nor the seed's): the seeded `contributions` (2022–2026), and every
 * benefit year after the seed up to the current one, plus the coming year once its collection has
 * opened (1 September). Like the real system, a year once listed stays listed, and a year paid stays
 * paid. Years beyond the seed are derived deterministically: residents fully funded (财政代缴) are paid
 * by finance on 15 September of the year before; about four in ten others paid on a day between
 * 1 September and 14 November; everyone else still owes. A payment dated after `now` has not happened
 * yet. The roster of the year is fixed when its collection opens (statuses on 1 September of the year
 * before: 贵州 2019 方案 二(二) puts people identified from September on into the following year), so a
 * record never changes afterwards. Real payments (`collect`, counters) go into `person.contributions`,
 * which always wins over the derived record.
 */

/** First day (month, day) of the concentrated collection for the next benefit year. */
export const COLLECTION_OPENS = { month: 9, day: 1 } as const

/** `-MM-DD` of the day collection opens. */
function opensOn(): string {
  return `-${String(COLLECTION_OPENS.month).padStart(2, '0')}-${String(COLLECTION_OPENS.day).padStart(2, '0')}`
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/**
 * The derived record of a benefit year beyond the seed, as of `now`; `null` when the person was not
 * enrolled when the year's collection opened (or died before it).
 */
export function derivedContribution(person: SandboxPerson, year: number, now: Date): SandboxContribution | null {
  const opens = `${year - 1}${opensOn()}`
  const rel = person.insurance.find(r =>
    r.insutype === '390' && r.insuDate <= `${year}-12-31` && (r.endDate === null || r.endDate > opens))
  if (!rel || (person.deathDate !== null && person.deathDate <= opens)) return null
  const college = person.category === 'college_student'
  const category = categoryIn(year, person.birthDate, college)
  const standard = standardFen(person.policyRegion, year, category)
  const subsidy = subsidyFen(statusesOn(person.statuses, opens), standard)
  const personal = standard - subsidy
  const h = hashLabel(`tax:${person.certNo}:${year}`)
  let paidOn: string | null = null
  let channel: ContributionChannel | null = null
  if (personal === 0) {
    paidOn = `${year - 1}-09-15`
    channel = 'finance'
  }
  else if (h % 10 < 4) {
    paidOn = addDays(`${year - 1}-09-01`, (h >>> 4) % 75)
    channel = (['wechat', 'alipay', 'bank_app', 'tax_hall'] as const)[(h >>> 12) % 4]!
  }
  const pad = (n: number) => String(n).padStart(2, '0')
  const time = `${pad(9 + (h >>> 16) % 10)}:${pad((h >>> 20) % 60)}:00.000+08:00`
  const paidAt = paidOn === null ? null : `${paidOn}T${time}`
  const paid = paidAt !== null && Date.parse(paidAt) <= now.getTime()
  return {
    year,
    admdvs: rel.admdvs,
    insutype: '390',
    psnType: person.psnType === '1560' ? '1560' : PSN_TYPE_BY_CATEGORY[category] ?? '1501',
    category,
    paid,
    standardFen: standard,
    subsidyFen: subsidy,
    personalFen: personal,
    paidAt: paid ? paidAt : null,
    channel: paid ? channel : null,
    receiptNo: paid ? `${rel.admdvs}${year}${(h % 100_000_000).toString().padStart(8, '0')}` : null,
  }
}

/**
 * The contributions the tax system lists for a person as of `now`: every recorded year, every later
 * year up to the current Shanghai year, and the coming year once its collection has opened.
 */
export function contributionsOf(person: SandboxPerson, now: Date): SandboxContribution[] {
  const list = [...person.contributions]
  const year = shanghaiYear(now)
  const last = shanghaiDate(now) >= `${year}${opensOn()}` ? year + 1 : year
  for (let y = SEED_YEAR + 1; y <= last; y++) {
    if (list.some(c => c.year === y)) continue
    const derived = derivedContribution(person, y, now)
    if (derived) list.push(derived)
  }
  return list.sort((a, b) => a.year - b.year || a.admdvs.localeCompare(b.admdvs))
}
