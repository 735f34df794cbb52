import type { NhsaResponse } from '../nhsa/envelope'
import type { PersonInfoOutput } from '../nhsa/transactions/1101-person-info'
import type { SandboxPerson } from '../seed/model'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../app'
import { FIXTURE_CERT_NOS } from '../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../testing'
import { contributionsOf } from './contributions'
import { PREMIUM_QUOTE_PATH } from './premiums'
import { TAX_QUERY_PATH } from './routes'

/**
 * The tax stand-in on dates past its seed year (2026): like the real 社保费征收 system, a year that was
 * paid stays listed and paid, and the years it knows follow its clock, never its seed.
 */
const at = (iso: string) => new Date(iso)
const JAN_10_2027 = at('2027-01-10T10:00:00+08:00')

const sandbox = createSandbox({ now: () => JAN_10_2027 })
const persons = sandbox.state.residents.listPersons()
const enrolled = (p: SandboxPerson) => !p.deathDate && p.insurance.some(r => r.insutype === '390' && r.endDate === null)
const extremePoor = sandbox.state.residents.findPersonByCertNo(FIXTURE_CERT_NOS.fengxiangExtremePoverty)!

/** The first enrolled person whose 2027 record, as of 10 January 2027, is as `want` says. */
function personWith(want: (c: ReturnType<typeof contributionsOf>[number]) => boolean): SandboxPerson {
  const found = persons.find(p => enrolled(p) && contributionsOf(p, JAN_10_2027).some(c => c.year === 2027 && want(c)))
  if (!found) throw new Error('no such person')
  return found
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire replies are checked with toMatchObject
type Json = any

/** A sandbox at `now` (the tax system and the national platform read the same clock). */
function sandboxAt(now: Date) {
  const s = createSandbox({ now: () => now })
  const post = async (path: string, body: unknown): Promise<Json> => {
    const headers = { 'content-type': 'application/json' }
    return (await s.app.request(path, { method: 'POST', headers, body: JSON.stringify(body) })).json()
  }
  type Row = { jfnd: string, jfzt: string, jfqd: string, jfrq: string }
  return {
    rows: async (certNo: string): Promise<Row[]> =>
      (await post(TAX_QUERY_PATH, { sfzjlx: '201', sfzjhm: certNo })).jfxx,
    quote: async (certNo: string, year: number) =>
      (await post(PREMIUM_QUOTE_PATH, { sfzjlx: '201', sfzjhm: certNo, jfnd: year })).jfxx,
    status1101: async (certNo: string) => {
      const data = { mdtrt_cert_type: '02', mdtrt_cert_no: certNo, psn_cert_type: '01', certno: certNo }
      const res = await postNhsa(s.app, buildNhsaRequest('1101', { data }, {}, now))
      const out = (await res.json() as NhsaResponse<PersonInfoOutput>).output!
      return out.insuinfo.find(i => i.insutype === '390')?.psn_insu_stas
    },
  }
}

describe('tax contributions past the seed year', () => {
  it('keeps listing the current year after 1 January: paid by finance for 特困, paid at a channel, or owed', async () => {
    const s = sandboxAt(JAN_10_2027)
    const finance = (await s.rows(extremePoor.certNo)).find(r => r.jfnd === '2027')
    expect(finance).toMatchObject({ jfzt: '1', jfqd: '05' })
    expect(finance?.jfrq.slice(0, 10)).toBe('2026-09-15')

    const payer = personWith(c => c.paid && c.channel !== 'finance')
    expect((await s.rows(payer.certNo)).find(r => r.jfnd === '2027')).toMatchObject({ jfzt: '1' })
    const owes = personWith(c => !c.paid)
    expect((await s.rows(owes.certNo)).find(r => r.jfnd === '2027')).toMatchObject({ jfzt: '0', jfrq: '' })
    // 2028's collection opens on 1 September 2027: not listed yet.
    expect((await s.rows(payer.certNo)).map(r => r.jfnd)).toEqual(['2022', '2023', '2024', '2025', '2026', '2027'])
  })

  it('knows the years its clock knows: every year up to the coming one, years after 2027 too', () => {
    const nov2031 = at('2031-11-01T10:00:00+08:00')
    const years = contributionsOf(extremePoor, nov2031).map(c => c.year)
    expect(years).toEqual([2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032])
    expect(contributionsOf(extremePoor, at('2031-08-31T23:59:59+08:00')).at(-1)!.year).toBe(2031)
    expect(contributionsOf(extremePoor, at('2031-09-01T00:00:00+08:00')).at(-1)!.year).toBe(2032)
  })

  it('a year paid stays paid, with the same record, whatever the clock says later', () => {
    for (const p of persons.filter(enrolled).slice(0, 200)) {
      const then = contributionsOf(p, JAN_10_2027).find(c => c.year === 2027)
      const later = contributionsOf(p, at('2030-05-01T10:00:00+08:00')).find(c => c.year === 2027)
      expect(then, p.name).toBeDefined()
      // Unpaid on 10 January stays unpaid too: nobody pays a year after its window in the stand-in.
      expect(later, p.name).toEqual(then)
    }
  })

  it('the quote, the contribution query and the national platform agree around the year turn', async () => {
    const payer = personWith(c => c.paid && c.channel !== 'finance')
    const owes = personWith(c => !c.paid && c.personalFen > 0)
    const days = [
      '2026-12-31T23:59:59+08:00',
      '2027-01-01T00:00:00+08:00',
      '2027-01-10T10:00:00+08:00',
      '2027-03-01T00:00:00+08:00',
    ]
    for (const day of days) {
      const s = sandboxAt(at(day))
      for (const p of [extremePoor, payer, owes]) {
        const row = (await s.rows(p.certNo)).find(r => r.jfnd === '2027')
        const quote = await s.quote(p.certNo, 2027)
        expect(row?.jfzt, `${p.name} ${day}`).toBe(quote.jfzt)
        // Once 2027 is the current year, the platform's 参保状态 follows the payment: 1 正常, 2 暂停.
        if (day >= '2027') expect(await s.status1101(p.certNo), `${p.name} ${day}`).toBe(row?.jfzt === '1' ? '1' : '2')
      }
    }
  })
})
