import type { z } from 'zod'
import type { Person } from '../../domain/person'
import type { Logger } from '../../lib/logger'
import { toShanghaiIso } from '@yibao/shared'
import { AppError, UpstreamError } from '../../lib/errors'
import { callJson } from '../http'
import { envelopeError, isPersonNotFound, toPerson } from './mapper'
import type { FamilyRelation } from '@yibao/shared'
import { familyRelationFromCode } from './dictionaries'
import type { NhsaEnvelope } from './schemas'
import { FamilyRelationOutputWire, NhsaEnvelopeWire, PersonInfoOutputWire } from './schemas'

export interface NhsaClientOptions {
  baseUrl: string
  timeoutMs: number
  /** 定点机构/经办机构 code, 12 characters (msgid prefix and `fixmedins_code`). */
  senderCode: string
  senderName: string
  /** Default 区划 for `mdtrtarea_admvs` / `insuplc_admdvs`. */
  defaultAdmdvs: string
  logger: Logger
  now?: () => Date
}

/** Path of the gateway's single entry point on the national platform. */
export const NHSA_CALL_PATH = '/fsi/api/rsfComIfsService/callService'

/**
 * Adapter for the national 医疗保障信息平台 (one envelope, many transactions).
 * @see ../../../../../shared/reference/nhsa-interface.md
 */
export function createNhsaClient(opts: NhsaClientOptions) {
  const now = opts.now ?? (() => new Date())
  let seq = 0

  function stamp(date: Date) {
    // yyyyMMddHHmmss in Asia/Shanghai
    return toShanghaiIso(date).slice(0, 19).replace(/\D/g, '')
  }

  /**
   * Sends one transaction in the national envelope and validates `output` with the bureau's schema.
   * `{ ok: false, envelope }` when the bureau answers `infcode ≠ 0` (the caller decides what that means);
   * throws `UpstreamError` for transport failures and malformed replies.
   */
  async function call<S extends z.ZodType>(infno: string, input: unknown, outputSchema: S, meta: { admdvs?: string, logger?: Logger } = {}): Promise<{ ok: true, output: z.infer<S>, envelope: NhsaEnvelope } | { ok: false, envelope: NhsaEnvelope }> {
    const date = now()
    seq = (seq + 1) % 10000
    const iso = toShanghaiIso(date)
    const logger = meta.logger ?? opts.logger
    const raw = await callJson({
      system: 'nhsa',
      url: new URL(NHSA_CALL_PATH, opts.baseUrl).toString(),
      operation: infno,
      timeoutMs: opts.timeoutMs,
      logger,
      body: {
        infno,
        msgid: `${opts.senderCode}${stamp(date)}${String(seq).padStart(4, '0')}`,
        mdtrtarea_admvs: meta.admdvs ?? opts.defaultAdmdvs,
        insuplc_admdvs: meta.admdvs ?? '',
        recer_sys_code: 'YBXT',
        dev_no: '',
        dev_safe_info: '',
        cainfo: '',
        signtype: '',
        infver: 'V1.0',
        opter_type: '3',
        opter: 'yibao-h5',
        opter_name: opts.senderName,
        inf_time: `${iso.slice(0, 10)} ${iso.slice(11, 19)}`,
        fixmedins_code: opts.senderCode,
        fixmedins_name: opts.senderName,
        sign_no: '',
        input,
      },
    })
    const env = NhsaEnvelopeWire.safeParse(raw)
    if (!env.success)
      throw new UpstreamError('nhsa', 'bad_response', { upstreamCode: infno, cause: env.error })
    if (env.data.infcode !== 0)
      return { ok: false as const, envelope: env.data }
    const output = outputSchema.safeParse(env.data.output)
    if (!output.success) {
      logger.warn({ infno, issues: output.error.issues.slice(0, 5).map(i => ({ path: i.path.join('.'), code: i.code })) }, 'nhsa output failed validation')
      throw new UpstreamError('nhsa', 'bad_response', { upstreamCode: infno, cause: output.error })
    }
    return { ok: true as const, output: output.data as z.infer<S>, envelope: env.data }
  }

  return {
    /** Raw transaction call, for transaction modules in this folder (one file per business area). */
    call,

    /**
     * 1101 人员信息获取 by ID number (mdtrt_cert_type 02). Throws `PERSON_NOT_FOUND` (404) when the
     * bureau has no such person or the name does not match.
     */
    async getPersonInfo(certNo: string, options: { name?: string, logger?: Logger } = {}): Promise<Person> {
      const res = await call('1101', {
        data: {
          mdtrt_cert_type: '02',
          mdtrt_cert_no: certNo,
          card_sn: '',
          begntime: '',
          psn_cert_type: '01',
          certno: certNo,
          psn_name: options.name ?? '',
        },
      }, PersonInfoOutputWire, { logger: options.logger })
      if (!res.ok) {
        if (isPersonNotFound(res.envelope)) throw new AppError('PERSON_NOT_FOUND', 404)
        throw envelopeError(res.envelope, '1101')
      }
      return toPerson(res.output)
    },

    /** 1160 (local extension): how `memberCertNo` is related to `certNo` in the household register. */
    async getFamilyRelation(certNo: string, memberCertNo: string, options: { logger?: Logger } = {}): Promise<{ sameHousehold: boolean, relation: FamilyRelation }> {
      const res = await call('1160', { data: { certno: certNo, certno_member: memberCertNo } }, FamilyRelationOutputWire, { logger: options.logger })
      if (!res.ok) {
        if (isPersonNotFound(res.envelope)) throw new AppError('PERSON_NOT_FOUND', 404)
        throw envelopeError(res.envelope, '1160')
      }
      return { sameHousehold: res.output.same_hshd === '1', relation: familyRelationFromCode(res.output.rlts) }
    },
  }
}

export type NhsaClient = ReturnType<typeof createNhsaClient>
