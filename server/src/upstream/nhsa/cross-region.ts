import type { CrossRegionType, ResidenceProof, ResidenceProofKind } from '@yibao/shared'
import type { CrossRegionFiling } from '../../domain/cross-region'
import type { Logger } from '../../lib/logger'
import type { NhsaClient } from './client'
import { z } from 'zod'
import { envelopeError } from './mapper'

/**
 * 异地就医备案 on the national platform's envelope. There is no national third-party transaction for
 * it, so these are local extensions shaped after 2501/2502/5301 with the `out_appy_d` columns
 * (documented in the sandbox): 2551 file, 2552 cancel (keyed by trt_dcla_detl_sn + psn_no, reason in
 * memo), 5302 list. Routed by the person's 参保地.
 */

/** 备案类型 `rloc_rea` (a local dictionary). */
const TYPE_CODES: Record<CrossRegionType, string> = {
  retired_relocated: '02',
  resident_worker: '03',
  long_term_resident: '04',
  referral: '06',
  temporary: '08',
}
const TYPES_BY_CODE = new Map(Object.entries(TYPE_CODES).map(([k, v]) => [v, k as CrossRegionType]))
const SOURCES: Record<string, CrossRegionFiling['source']> = { '01': 'desk', '02': 'app', '03': 'web' }
/**
 * 居住证明类型 `resd_cert_type` (with `resd_certno`): the residence proof of a 04 filing not made on a promise
 * (`prom_flag` '1'). The platform's `out_appy_d` keeps only `att_cnt` (附件数量) of the materials, so the kind and
 * number ride on these local extensions (documented in the sandbox's `RESD_CERT_TYPE`).
 */
const PROOF_CODES: Record<ResidenceProofKind, string> = {
  residence_permit: '01',
  property_certificate: '02',
  lease_registration: '03',
  community_certificate: '04',
}
const PROOFS_BY_CODE = new Map(Object.entries(PROOF_CODES).map(([k, v]) => [v, k as ResidenceProofKind]))

const day = z.string().transform(v => v.slice(0, 10))

const FilingRowWire = z.object({
  trt_dcla_detl_sn: z.string(),
  insutype: z.string(),
  rloc_rea: z.string(),
  rloc_admdvs: z.string(),
  begndate: day,
  enddate: day.nullish().transform(v => v ?? null),
  tel: z.string().nullish(),
  resout_addr: z.string().nullish(),
  trafout_fixmedins_name: z.string().nullish(),
  prom_flag: z.string().nullish(),
  resd_cert_type: z.string().nullish(),
  resd_certno: z.string().nullish(),
  vali_flag: z.string(),
  memo: z.string().nullish(),
  dcla_souc: z.string().nullish(),
  agnter_name: z.string().nullish(),
  crte_time: z.string().nullish(),
  /** Time of the last change: the cancellation's once `vali_flag` is '0'. */
  updt_time: z.string().nullish(),
})

const ListOutputWire = z.object({ outappyinfo: z.array(FilingRowWire).nullish().transform(v => v ?? []) })
const FileOutputWire = z.object({ result: z.object({ trt_dcla_detl_sn: z.string(), begndate: day, enddate: day.nullish(), vali_flag: z.string() }) })
const CancelOutputWire = z.unknown()

function toFiling(row: z.infer<typeof FilingRowWire>): CrossRegionFiling | null {
  const type = TYPES_BY_CODE.get(row.rloc_rea)
  if (!type) return null
  const promise = row.prom_flag === '1'
  const proofKind = PROOFS_BY_CODE.get(row.resd_cert_type ?? '')
  const residenceProof = proofKind && row.resd_certno ? { kind: proofKind, number: row.resd_certno } : null
  const cancelled = row.vali_flag !== '1'
  return {
    id: row.trt_dcla_detl_sn,
    insuranceType: row.insutype,
    type,
    destination: row.rloc_admdvs,
    startDate: row.begndate,
    endDate: row.enddate,
    phone: row.tel ?? '',
    address: row.resout_addr || null,
    referralHospital: row.trafout_fixmedins_name || null,
    promise,
    basis: type !== 'long_term_resident' ? null : promise ? 'promise' : residenceProof ? 'residence_proof' : null,
    residenceProof,
    cancelled,
    // Once cancelled, 2552 keeps its reason in memo and its time in updt_time (memo of a filing in force is not shown).
    cancelledAt: cancelled ? row.updt_time || null : null,
    cancelReason: cancelled ? row.memo || null : null,
    source: SOURCES[row.dcla_souc ?? ''] ?? 'other',
    agentName: row.agnter_name || null,
    createdAt: row.crte_time ?? '',
  }
}

interface PersonKey { psnNo: string, admdvs: string, logger?: Logger }

/** A bureau refusal of a 备案 step: its own Chinese wording, for the resident. */
export class CrossRegionRejected extends Error {
  override readonly name = 'CrossRegionRejected'
  constructor(readonly reason: string) {
    super(`cross-region filing rejected: ${reason}`)
  }
}

/** The envelope's business refusal (infcode -1 with a message) as `CrossRegionRejected`; anything else stays an upstream failure. */
function refusal(env: { infcode: number, err_msg?: string | null }, infno: string): Error {
  if (env.infcode === -1 && env.err_msg) return new CrossRegionRejected(env.err_msg)
  return envelopeError(env as Parameters<typeof envelopeError>[0], infno)
}

/** 5302: every filing of the person, newest first (cancelled ones included). Unknown types are skipped. */
export async function listCrossRegionFilings(nhsa: NhsaClient, key: PersonKey): Promise<CrossRegionFiling[]> {
  const res = await nhsa.call('5302', { data: { psn_no: key.psnNo } }, ListOutputWire, { admdvs: key.admdvs, logger: key.logger })
  if (!res.ok) throw envelopeError(res.envelope, '5302')
  return res.output.outappyinfo.map(toFiling).filter(f => f !== null)
}

/** What 2551 needs: the facts of a filing as the bureau will keep them, and who files. */
export interface NewFiling extends Pick<CrossRegionFiling, 'insuranceType' | 'type' | 'destination' | 'startDate' | 'endDate' | 'phone'> {
  address?: string
  referralHospital?: string
  promise?: boolean
  /** 异地长期居住 filed on a residence proof (instead of a promise). */
  residenceProof?: ResidenceProof
  /** 代办人 (a family member filing for the person). */
  agent?: { name: string, certNo: string, relation: string }
  /** 申报来源: the help desk (经办窗口, 01) files for the person at the counter; the app (移动端, 02) otherwise. */
  source?: 'desk'
  /** `req:<id>`: the same request again returns the same filing. */
  requestRef: string
}

/** 2551: files; returns the bureau's id. Throws `CrossRegionRejected` with the bureau's reason. */
export async function fileCrossRegion(nhsa: NhsaClient, key: PersonKey, f: NewFiling): Promise<string> {
  const outappy = {
    psn_no: key.psnNo,
    insutype: f.insuranceType,
    rloc_rea: TYPE_CODES[f.type],
    rloc_admdvs: f.destination,
    begndate: f.startDate,
    enddate: f.endDate,
    tel: f.phone,
    ...(f.address && { resout_addr: f.address }),
    ...(f.referralHospital && { trafout_fixmedins_name: f.referralHospital }),
    ...(f.promise && { prom_flag: '1' }),
    ...(f.residenceProof && {
      resd_cert_type: PROOF_CODES[f.residenceProof.kind],
      resd_certno: f.residenceProof.number,
      att_cnt: 1,
    }),
    dcla_souc: f.source === 'desk' ? '01' : '02',
    ...(f.agent && { agnter_name: f.agent.name, agnter_certno: f.agent.certNo, agnter_rlts: f.agent.relation }),
    memo: f.requestRef,
  }
  const res = await nhsa.call('2551', { outappy }, FileOutputWire, { admdvs: key.admdvs, logger: key.logger })
  if (!res.ok) throw refusal(res.envelope, '2551')
  return res.output.result.trt_dcla_detl_sn
}

/** 2552: cancels with a reason (idempotent at the bureau). Throws `CrossRegionRejected` with the bureau's reason. */
export async function cancelCrossRegion(nhsa: NhsaClient, key: PersonKey, p: { id: string, reason: string }): Promise<void> {
  const res = await nhsa.call('2552', { data: { trt_dcla_detl_sn: p.id, psn_no: key.psnNo, memo: p.reason } }, CancelOutputWire, { admdvs: key.admdvs, logger: key.logger })
  if (!res.ok) throw refusal(res.envelope, '2552')
}
