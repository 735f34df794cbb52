import type { ChronicFiling, CumulativeUsage } from '../../domain/coverage'
import type { Logger } from '../../lib/logger'
import type { NhsaClient } from './client'
import type { CumInfoRow } from './coverage-schemas'
import { envelopeError } from './mapper'
import { ChronicFilingOutputWire, CumulativeInfoOutputWire } from './coverage-schemas'

/**
 * Coverage transactions of the national platform (5206 人员累计信息查询, 5301 人员慢特病备案查询),
 * on the client's `call`. Both are keyed by psn_no (from 1101) and routed by the person's 参保地.
 * @see ../../../../../shared/reference/nhsa-interface.md §2.3–2.4 (outside the repo)
 */

/** 5206 cumulative codes → the domain's fields. Codes not listed are ignored. */
const CUM_CODES: Record<string, keyof Omit<CumulativeUsage, 'year'>> = {
  D390101: 'basicPaid',
  D390201: 'criticalPaid',
  D610101: 'assistancePaid',
  F0000_BIZ2101: 'inpatientTotal',
  Q390201: 'criticalBurden',
  C0000_BIZ21: 'inpatientStays',
}

/** 5206 rows of one year and 险种 390 → cumulative usage (rows of other years or 险种 are ignored). */
export function toCumulativeUsage(rows: readonly CumInfoRow[], year: number): CumulativeUsage {
  const usage: CumulativeUsage = { year, basicPaid: 0, criticalPaid: 0, criticalBurden: 0, assistancePaid: 0, inpatientTotal: 0, inpatientStays: 0 }
  for (const row of rows) {
    const field = CUM_CODES[row.code]
    if (!field || row.year !== year || row.insuranceType !== '390') continue
    if ((field === 'inpatientStays') !== (row.unit === 'count')) continue
    usage[field] += row.value
  }
  return usage
}

/** 两病 (高血压、糖尿病门诊用药保障): the sandbox/pilot codes, and the disease names for local codes. */
const TWO_DISEASE_CODES = new Set(['M03900', 'M01600'])
const TWO_DISEASE_NAME = /高血压|糖尿病/

/** A 5301 row → domain filing (dates cut to `YYYY-MM-DD`). */
export function toChronicFiling(row: { opsp_dise_code: string, opsp_dise_name: string, begndate: string, enddate: string | null }): ChronicFiling {
  return {
    code: row.opsp_dise_code,
    name: row.opsp_dise_name.trim(),
    since: row.begndate.slice(0, 10),
    until: row.enddate?.slice(0, 10) ?? null,
    twoDiseases: TWO_DISEASE_CODES.has(row.opsp_dise_code) || TWO_DISEASE_NAME.test(row.opsp_dise_name),
  }
}

interface PersonKey {
  /** 人员编号 from 1101. */
  psnNo: string
  /** The person's 参保地 (insuplc_admdvs). */
  admdvs: string
  logger?: Logger
}

/** 5206 人员累计信息查询: this calendar year's cumulative amounts up to `month` (1–12). */
export async function getCumulativeUsage(nhsa: NhsaClient, key: PersonKey & { year: number, month: number }): Promise<CumulativeUsage> {
  const res = await nhsa.call('5206', { data: { psn_no: key.psnNo, cum_ym: `${key.year}${String(key.month).padStart(2, '0')}` } }, CumulativeInfoOutputWire, { admdvs: key.admdvs, logger: key.logger })
  if (!res.ok) throw envelopeError(res.envelope, '5206')
  return toCumulativeUsage(res.output.cuminfo, key.year)
}

/** 5301 人员慢特病备案查询: every filing (open and ended). */
export async function getChronicFilings(nhsa: NhsaClient, key: PersonKey): Promise<ChronicFiling[]> {
  const res = await nhsa.call('5301', { data: { psn_no: key.psnNo } }, ChronicFilingOutputWire, { admdvs: key.admdvs, logger: key.logger })
  if (!res.ok) throw envelopeError(res.envelope, '5301')
  return res.output.feedetail.map(toChronicFiling)
}
