import type { PolicyRegion, SandboxCrossRegionFiling, SandboxPerson } from './model'
import { hashLabel, SEED_YEAR } from './build'

/**
 * Seeded 异地就医备案 (cross-region care filings, listed by 5302) so the list is not always empty. One
 * resident per policy region is chosen by hash (like `chronicFilingsOf`) among the adults 30–59 of the
 * random households who are alive, paid up and insured (390) today; fixture households (张秀英's among them)
 * get none. Their stories, all before the seed year's end:
 * - 东营 (370500): a temporary 08 trip (三亚/北京/青岛), filed in January 2025 and cancelled in February.
 * - 凤翔 (610322): a 06 referral to 西安 filed at the desk in October 2024 (by the spouse when there is one)
 *   and cancelled; then an 08 trip in June–November 2025 that simply ended (vali_flag still '1', 已过期).
 * - 贵州 (520000): an 08 trip in 2024, cancelled; then a valid long-term 04 filing (深圳/东莞/杭州) since
 *   1 March 2025 on a personal promise (prom_flag '1', so it was locked until 1 September 2025).
 */

type Script = (person: SandboxPerson, household: readonly SandboxPerson[], h: number) => SandboxCrossRegionFiling[]

function pick<T>(list: readonly T[], h: number): T {
  return list[h % list.length] as T
}

/** A seeded filing with the defaults every script shares. */
function filing(person: SandboxPerson, key: string, fields: Partial<SandboxCrossRegionFiling> & Pick<SandboxCrossRegionFiling, 'rlocRea' | 'rlocAdmdvs' | 'begin' | 'end' | 'createdAt'>): SandboxCrossRegionFiling {
  const serial = String(hashLabel(`outappy-sn:${person.certNo}:${key}`) % 100_000_000).padStart(8, '0')
  const admdvs = person.insurance.find(r => r.insutype === '390')?.admdvs ?? person.countyCode
  return {
    sn: `${admdvs.slice(0, 2)}${fields.createdAt.slice(0, 10).replaceAll('-', '')}${serial}`,
    insuAdmdvs: admdvs,
    insutype: '390',
    tel: person.mobile,
    resoutAddr: null,
    trafoutFixmedinsName: null,
    promFlag: null,
    resdCertType: null,
    resdCertno: null,
    valid: true,
    memo: null,
    requestKey: null,
    dclaSouc: '02',
    agnterName: null,
    agnterCertno: null,
    agnterRlts: null,
    cancelledAt: null,
    ...fields,
  }
}

const SCRIPTS: Record<PolicyRegion, Script> = {
  370500: (p, _household, h) => [
    filing(p, 'trip', {
      rlocRea: '08',
      rlocAdmdvs: pick(['460203', '110105', '370212'], h >>> 4),
      begin: '2025-01-20',
      end: '2025-07-19',
      createdAt: '2025-01-18T10:12:05.000+08:00',
      valid: false,
      memo: '行程取消，不再外出',
      cancelledAt: '2025-02-10T16:40:31.000+08:00',
    }),
  ],
  610322: (p, household, h) => {
    const spouse = household.find(m => m.relation === (p.relation === 'spouse' ? 'head' : 'spouse') && m !== p && m.deathDate === null)
    return [
      filing(p, 'referral', {
        rlocRea: '06',
        rlocAdmdvs: pick(['610113', '610112'], h >>> 4),
        begin: '2024-10-08',
        end: '2025-04-07',
        trafoutFixmedinsName: '宝鸡市中心医院',
        dclaSouc: '01',
        agnterName: spouse?.name ?? null,
        agnterCertno: spouse?.certNo ?? null,
        agnterRlts: spouse ? '10' : null,
        createdAt: '2024-10-06T09:25:48.000+08:00',
        valid: false,
        memo: '病情好转，在参保地继续治疗',
        cancelledAt: '2024-10-21T11:03:17.000+08:00',
      }),
      filing(p, 'trip', {
        rlocRea: '08',
        rlocAdmdvs: pick(['110108', '310115', '500103'], h >>> 8),
        begin: '2025-06-01',
        end: '2025-11-30',
        createdAt: '2025-05-28T20:41:09.000+08:00',
      }),
    ]
  },
  520000: (p, _household, h) => {
    const city = pick([
      { code: '440306', addr: '广东省深圳市宝安区西乡街道固戍社区' },
      { code: '441900', addr: '广东省东莞市长安镇乌沙社区' },
      { code: '330110', addr: '浙江省杭州市余杭区五常街道' },
    ] as const, h >>> 4)
    return [
      filing(p, 'trip', {
        rlocRea: '08',
        rlocAdmdvs: city.code,
        begin: '2024-02-05',
        end: '2024-08-04',
        createdAt: '2024-02-03T08:55:40.000+08:00',
        valid: false,
        memo: '已返回参保地',
        cancelledAt: '2024-02-28T14:20:02.000+08:00',
      }),
      filing(p, 'long-term', {
        rlocRea: '04',
        rlocAdmdvs: city.code,
        begin: '2025-03-01',
        end: null,
        resoutAddr: `${city.addr}${1 + (h >>> 12) % 40}栋${1 + (h >>> 16) % 20}0${1 + (h >>> 20) % 4}室`,
        promFlag: '1',
        createdAt: '2025-02-26T21:07:33.000+08:00',
      }),
    ]
  },
}

function eligible(p: SandboxPerson): boolean {
  const age = SEED_YEAR - Number(p.birthDate.slice(0, 4))
  return age >= 30 && age <= 59
    && p.deathDate === null
    && !p.tags.includes('suspended')
    && p.insurance.some(r => r.insutype === '390' && r.endDate === null)
}

/**
 * Gives one resident per policy region their filings (see the module comment). `persons` are the random
 * households' residents only; the chosen ones are mutated.
 */
export function addCrossRegionFilings(persons: readonly SandboxPerson[]): void {
  for (const region of Object.keys(SCRIPTS) as PolicyRegion[]) {
    let chosen: { person: SandboxPerson, h: number } | null = null
    for (const p of persons) {
      if (p.policyRegion !== region || !eligible(p)) continue
      const h = hashLabel(`outappy:${p.certNo}`)
      if (!chosen || h < chosen.h) chosen = { person: p, h }
    }
    if (!chosen) continue
    const household = persons.filter(m => m.householdId === chosen.person.householdId)
    chosen.person.crossRegionFilings = SCRIPTS[region](chosen.person, household, chosen.h)
  }
}
