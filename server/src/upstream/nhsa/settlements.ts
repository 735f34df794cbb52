import type { HospitalLevel } from '@yibao/shared'
import type { BureauSlip, BureauSlipSummary } from '../../domain/slip'
import type { Logger } from '../../lib/logger'
import type { NhsaClient } from './client'
import type { SetlInfo } from './settlement-schemas'
import { AppError } from '../../lib/errors'
import { envelopeError } from './mapper'
import { SettlementInfoOutputWire, SettlementListOutputWire } from './settlement-schemas'

/**
 * Settlement transactions of the national platform: 5203 结算信息查询 (one slip) and 5260 结算记录查询
 * (a person's slips, a local extension). Replies are normalised by `settlement-schemas.ts`; this module
 * maps them to the domain's `BureauSlip` and turns "no such settlement" into 404.
 */

/** Bureau messages that mean "no such settlement/person" rather than a failure. */
const NOT_FOUND = /未查询到|不存在|无此/

/** Where the person is insured (the platform routes psn_no queries by 参保地) and who logs. */
export interface SettlementCallOptions {
  admdvs: string
  logger?: Logger
}

/** 医院等级 hosp_lv → level for the policy engine and the grade's name (sandbox convention, see seed/hospitals.ts). */
const HOSP_LV: Record<string, { level: HospitalLevel | null, grade: string }> = {
  '01': { level: 3, grade: '三级特等' },
  '02': { level: 3, grade: '三级甲等' },
  '03': { level: 3, grade: '三级乙等' },
  '04': { level: 3, grade: '三级丙等' },
  '05': { level: 2, grade: '二级甲等' },
  '06': { level: 2, grade: '二级乙等' },
  '07': { level: 2, grade: '二级丙等' },
  '08': { level: 1, grade: '一级甲等' },
  '09': { level: 1, grade: '一级乙等' },
  '10': { level: 1, grade: '一级丙等' },
  '11': { level: 1, grade: '一级未评' },
  '12': { level: 2, grade: '二级未评' },
  '13': { level: 3, grade: '三级未评' },
  '14': { level: null, grade: '未定级' },
}

/** Hospital level and grade of a hosp_lv code (`'2'` and `'02'` alike); unknown codes give no level. */
export function hospitalGrade(code: string | null): { level: HospitalLevel | null, grade: string | null } {
  if (code === null) return { level: null, grade: null }
  const found = HOSP_LV[code.trim().padStart(2, '0')]
  return found ?? { level: null, grade: null }
}

/** Normalised 5203 reply → domain slip. */
export function toBureauSlip(info: SetlInfo, details: { code: string, amount: number }[]): BureauSlip {
  const { level, grade } = hospitalGrade(info.hospLv)
  return {
    setlId: info.setlId,
    mdtrtId: info.mdtrtId,
    psnNo: info.psnNo,
    name: info.name,
    certNo: info.certNo,
    sex: info.gend === '1' ? 'male' : info.gend === '2' ? 'female' : 'unknown',
    birthDate: info.birthDate,
    settledAt: info.settledAt,
    admittedAt: info.admittedAt,
    dischargedAt: info.dischargedAt,
    medType: info.medType,
    regionCode: info.regionCode,
    hospital: { code: info.hospitalCode, name: info.hospitalName ?? '', level, grade },
    diagnosis: info.diagnosisName ? { code: info.diagnosisCode, name: info.diagnosisName } : null,
    basicRate: info.basicRate,
    amounts: info.amounts,
    details,
  }
}

/**
 * One page of a person's settlements in a calendar year (5260), newest first, with the total count.
 * `pageSize` is at most 100 (the platform's limit).
 */
export async function listSettlements(nhsa: NhsaClient, psnNo: string, q: { year: number, page: number, pageSize: number }, opts: SettlementCallOptions): Promise<{ total: number, items: BureauSlipSummary[] }> {
  const res = await nhsa.call('5260', {
    data: { psn_no: psnNo, begndate: `${q.year}-01-01`, enddate: `${q.year}-12-31`, page_num: q.page, page_size: q.pageSize },
  }, SettlementListOutputWire, { admdvs: opts.admdvs, logger: opts.logger })
  if (!res.ok) {
    if (NOT_FOUND.test(res.envelope.err_msg ?? '')) throw new AppError('NOT_FOUND', 404)
    throw envelopeError(res.envelope, '5260')
  }
  return { total: res.output.record_counts, items: res.output.data }
}

/** Every settlement of a person in a calendar year (all pages of 5260), newest first. */
export async function listSettlementsOfYear(nhsa: NhsaClient, psnNo: string, year: number, opts: SettlementCallOptions): Promise<BureauSlipSummary[]> {
  const all: BureauSlipSummary[] = []
  for (let page = 1; page <= 20; page++) {
    const { total, items } = await listSettlements(nhsa, psnNo, { year, page, pageSize: 100 }, opts)
    all.push(...items)
    if (items.length === 0 || all.length >= total) break
  }
  return all
}

/**
 * One settlement of a person (5203). 404 when the bureau has no such settlement **for this person**:
 * the reply's psn_no is checked too, so a setl_id alone never reveals anything (IDOR).
 */
export async function getSettlement(nhsa: NhsaClient, psnNo: string, setlId: string, opts: SettlementCallOptions & { mdtrtId?: string }): Promise<BureauSlip> {
  const res = await nhsa.call('5203', { data: { psn_no: psnNo, setl_id: setlId, mdtrt_id: opts.mdtrtId ?? '' } }, SettlementInfoOutputWire, { admdvs: opts.admdvs, logger: opts.logger })
  if (!res.ok) {
    if (NOT_FOUND.test(res.envelope.err_msg ?? '')) throw new AppError('NOT_FOUND', 404)
    throw envelopeError(res.envelope, '5203')
  }
  const { setlinfo, setldetail } = res.output
  if (setlinfo.psnNo !== psnNo || setlinfo.setlId !== setlId) {
    opts.logger?.warn({ infno: '5203' }, 'settlement of another person or id returned; treated as not found')
    throw new AppError('NOT_FOUND', 404)
  }
  return toBureauSlip(setlinfo, setldetail)
}
