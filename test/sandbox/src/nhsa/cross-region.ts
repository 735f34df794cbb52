import type { SandboxCrossRegionFiling } from '../seed/model'
import type { RlocRea } from './dictionaries'
import { RLOC_REA } from './dictionaries'

/**
 * Rules and wire mapping shared by the 异地就医备案 local extensions 2551 (file), 2552 (cancel) and 5302
 * (list). The numbers follow shared/reference/domain-notes.md §3 (医保发〔2022〕22号 as corroborated) where
 * it has them and are the sandbox's own where it does not (marked).
 */

/**
 * 补办: a filing may start on any day before today — the national rule (医保发〔2022〕22号) lets a resident file until
 * the stay is settled (出院结算前), with no day count. A temporary filing must still reach today.
 */
/** A filing may start at most 180 days after today (sandbox choice). */
export const AHEAD_DAYS = 180
/** A temporary filing lasts at most 12 months (local pages: "最长不超过1年"). */
export const TEMPORARY_MAX_MONTHS = 12
/** A long-term filing made on a personal promise may not be changed or cancelled for 6 months (the national upper bound). */
export const PROMISE_LOCK_MONTHS = 6

/** Long-term (长期有效) filing types: 02, 03, 04. */
export function isLongTerm(rlocRea: RlocRea): boolean {
  return RLOC_REA[rlocRea].longTerm
}

/** `YYYY-MM-DD` is a real calendar day. */
export function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const d = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text
}

/** `YYYY-MM-DD` plus (or minus) days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** `YYYY-MM-DD` plus whole months; a day the target month lacks becomes its last day (08-31 + 6 → 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate()
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10)
}

/** Valid and not past its end on `today`: what blocks a second filing. */
export function isInForce(f: SandboxCrossRegionFiling, today: string): boolean {
  return f.valid && (f.end === null || f.end >= today)
}

/** First day a filing may be cancelled, or `null` when no lock applies (only 承诺制 long-term filings are locked). */
export function cancelLockedUntil(f: SandboxCrossRegionFiling): string | null {
  if (!isLongTerm(f.rlocRea) || f.promFlag !== '1') return null
  return addMonths(f.begin, PROMISE_LOCK_MONTHS)
}

/** ISO moment with +08:00 → `yyyy-MM-dd HH:mm:ss`. */
function wireTimeOfIso(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ')
}

/** 2551 `result`. */
export interface OutAppyResult {
  trt_dcla_detl_sn: string
  begndate: string
  enddate: string | null
  vali_flag: '0' | '1'
}

/** What 2551 answers for a filing (also for a repeat with the same `req:` memo). */
export function outAppyResult(f: SandboxCrossRegionFiling): OutAppyResult {
  return { trt_dcla_detl_sn: f.sn, begndate: f.begin, enddate: f.end, vali_flag: f.valid ? '1' : '0' }
}

/** One 5302 `outappyinfo` row. */
export interface OutAppyRow {
  trt_dcla_detl_sn: string
  insutype: string
  rloc_rea: string
  rloc_admdvs: string
  begndate: string
  /** `null` = 长期有效. */
  enddate: string | null
  tel: string
  resout_addr: string | null
  trafout_fixmedins_name: string | null
  prom_flag: string | null
  /** 居住证明类型 / 编号 of a 04 filing made on a residence proof (sandbox fields, `RESD_CERT_TYPE`). */
  resd_cert_type: string | null
  resd_certno: string | null
  /** att_cnt 附件数量: 1 for a filing on a residence proof. */
  att_cnt: number
  /** '1' valid (also after its end date: the client derives 已过期), '0' cancelled. */
  vali_flag: '0' | '1'
  /** The filing's memo, or the cancellation reason once cancelled. */
  memo: string | null
  dcla_souc: string
  agnter_name: string | null
  /** `yyyy-MM-dd HH:mm:ss`. */
  crte_time: string
  /** `yyyy-MM-dd HH:mm:ss` of the last change: the cancellation time, else `crte_time`. */
  updt_time: string
}

/** A filing as a 5302 row. */
export function outAppyRow(f: SandboxCrossRegionFiling): OutAppyRow {
  return {
    trt_dcla_detl_sn: f.sn,
    insutype: f.insutype,
    rloc_rea: f.rlocRea,
    rloc_admdvs: f.rlocAdmdvs,
    begndate: f.begin,
    enddate: f.end,
    tel: f.tel,
    resout_addr: f.resoutAddr,
    trafout_fixmedins_name: f.trafoutFixmedinsName,
    prom_flag: f.promFlag,
    resd_cert_type: f.resdCertType,
    resd_certno: f.resdCertno,
    att_cnt: f.resdCertType ? 1 : 0,
    vali_flag: f.valid ? '1' : '0',
    memo: f.memo,
    dcla_souc: f.dclaSouc,
    agnter_name: f.agnterName,
    crte_time: wireTimeOfIso(f.createdAt),
    updt_time: wireTimeOfIso(f.cancelledAt ?? f.createdAt),
  }
}
