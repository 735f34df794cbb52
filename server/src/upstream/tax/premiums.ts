import type { Logger } from '../../lib/logger'
import type { DueStatus } from '../../domain/payment'
import type { ErrorCode, RefundReason } from '@yibao/shared'
import { fenToYuanString, toShanghaiIso } from '@yibao/shared'
import { z } from 'zod'
import { UpstreamError } from '../../lib/errors'
import { callJson } from '../http'
import { YuanAmountWire } from '../nhsa/schemas'

/**
 * The tax bureau's premium collection (城乡居民医保 个人缴费): what a person owes for a benefit year,
 * recording a payment made through WeChat Pay, and asking for a refund's approval (退费审核). Wire format:
 * pinyin-initial fields, yuan strings, `fhdm` `0000` = success (documented in the sandbox's `tax/premiums.ts`).
 */
export const PREMIUM_QUOTE_PATH = '/tax/api/premium/quote'
export const PREMIUM_COLLECT_PATH = '/tax/api/premium/collect'
export const PREMIUM_REFUND_PATH = '/tax/api/premium/refund'

/** 退费原因 `tkyy` on the wire (`05` 资助对象: the part of the premium the government now funds). */
const REFUND_REASON_WIRE: Record<RefundReason, string> = {
  died_before_benefit: '01',
  duplicate_enrolment: '02',
  employee_insurance: '03',
  overpaid: '04',
  funded: '05',
}

const QuoteReplyWire = z.object({
  fhdm: z.string(),
  fhxx: z.string().optional(),
  jfxx: z.object({
    jfnd: z.union([z.string(), z.number()]).transform(Number),
    /** 参保地区划 */
    cbdq: z.string(),
    /** 个人缴费标准 (yuan) */
    bzje: YuanAmountWire,
    /** 政府资助 (yuan) */
    zzje: YuanAmountWire,
    /** 应缴金额 (yuan) */
    yjje: YuanAmountWire,
    /** 1 已缴 */
    jfzt: z.string(),
    /** 1 may be paid now */
    kjbz: z.string(),
    /** 01 已缴费, 02 财政全额资助, 03 不在缴费期, 04 未参加城乡居民医保, 05 人员已死亡 */
    bkjyy: z.string(),
    /** 缴费订单号: the channel order a paid year was collected under (absent when unpaid or paid at a counter). */
    jfddh: z.string().optional(),
  }).optional(),
})

const CollectReplyWire = z.object({ fhdm: z.string(), fhxx: z.string().optional(), pzhm: z.array(z.string()).optional() })

/** 退费凭证号 `tkpzh` on success; business refusals carry only `fhdm`/`fhxx`. */
const RefundReplyWire = z.object({ fhdm: z.string(), fhxx: z.string().optional(), tkpzh: z.string().min(1).optional() })

const REASONS: Record<string, DueStatus> = { '01': 'paid', '02': 'fully_funded', '03': 'outside_window', '04': 'not_eligible', '05': 'not_eligible' }

export interface PremiumDue {
  year: number
  regionCode: string
  standardFen: number
  subsidyFen: number
  dueFen: number
  status: DueStatus
  /** The merchant order a paid year was collected under, when the bureau says. */
  paidUnder?: string
}

export interface TaxPremiumOptions { baseUrl: string, timeoutMs: number, logger: Logger }

export function createTaxPremiums(opts: TaxPremiumOptions) {
  const url = (path: string) => new URL(path, opts.baseUrl).toString()
  return {
    /** What a person owes for a benefit year; `null` when the tax system does not know the person (or the name does not match). */
    async quote(certNo: string, name: string | undefined, year: number, logger: Logger = opts.logger): Promise<PremiumDue | null> {
      const raw = await callJson({ system: 'tax', url: url(PREMIUM_QUOTE_PATH), operation: 'premium.quote', timeoutMs: opts.timeoutMs, logger, body: { sfzjlx: '201', sfzjhm: certNo, ...(name && { xm: name }), jfnd: year } })
      const reply = QuoteReplyWire.safeParse(raw)
      if (!reply.success) throw new UpstreamError('tax', 'bad_response', { cause: reply.error })
      if (reply.data.fhdm === '1001') return null
      if (reply.data.fhdm !== '0000' || !reply.data.jfxx) throw new UpstreamError('tax', 'rejected', { upstreamCode: reply.data.fhdm, upstreamMessage: reply.data.fhxx })
      const x = reply.data.jfxx
      const status: DueStatus = x.kjbz === '1' ? 'payable' : REASONS[x.bkjyy] ?? 'not_eligible'
      return { year: x.jfnd, regionCode: x.cbdq, standardFen: x.bzje, subsidyFen: x.zzje, dueFen: status === 'payable' ? x.yjje : 0, status, ...(x.jfddh && { paidUnder: x.jfddh }) }
    },

    /**
     * Records payments with the collection system (idempotent on `outTradeNo` + person-year: we send one
     * line at a time); returns the tax receipt numbers.
     */
    async collect(p: { outTradeNo: string, transactionId: string, paidAt: Date, lines: { certNo: string, year: number, amountFen: number }[] }, logger: Logger = opts.logger): Promise<string[]> {
      const raw = await callJson({
        system: 'tax',
        url: url(PREMIUM_COLLECT_PATH),
        operation: 'premium.collect',
        timeoutMs: opts.timeoutMs,
        logger,
        body: { ddh: p.outTradeNo, zfqd: '01', zfls: p.transactionId, zfsj: toShanghaiIso(p.paidAt), mx: p.lines.map(l => ({ sfzjhm: l.certNo, jfnd: l.year, je: fenToYuanString(l.amountFen) })) },
      })
      const reply = CollectReplyWire.safeParse(raw)
      if (!reply.success) throw new UpstreamError('tax', 'bad_response', { cause: reply.error })
      if (reply.data.fhdm !== '0000') throw new UpstreamError('tax', 'rejected', { upstreamCode: reply.data.fhdm, upstreamMessage: reply.data.fhxx })
      return reply.data.pzhm ?? []
    },

    /** Asks the collection system to approve a refund (idempotent on outRefundNo); returns its 退费凭证号. */
    async refund(p: { outRefundNo: string, outTradeNo: string, certNo: string, year: number, amountFen: number, reason: RefundReason }, logger: Logger = opts.logger): Promise<{ taxRefundNo: string }> {
      const raw = await callJson({
        system: 'tax',
        url: url(PREMIUM_REFUND_PATH),
        operation: 'premium.refund',
        timeoutMs: opts.timeoutMs,
        logger,
        body: { tkdh: p.outRefundNo, ddh: p.outTradeNo, sfzjlx: '201', sfzjhm: p.certNo, jfnd: p.year, je: fenToYuanString(p.amountFen), tkyy: REFUND_REASON_WIRE[p.reason] },
      })
      const reply = RefundReplyWire.safeParse(raw)
      if (!reply.success) throw new UpstreamError('tax', 'bad_response', { cause: reply.error })
      if (reply.data.fhdm !== '0000') throw new UpstreamError('tax', 'rejected', { upstreamCode: reply.data.fhdm, upstreamMessage: reply.data.fhxx })
      if (!reply.data.tkpzh) throw new UpstreamError('tax', 'bad_response')
      return { taxRefundNo: reply.data.tkpzh }
    },
  }
}

export type TaxPremiums = ReturnType<typeof createTaxPremiums>

/** The collection system's refusals of a refund (`fhdm`) as our error codes. */
const REFUND_REFUSALS: Record<string, ErrorCode> = {
  2001: 'REFUND_RECORD_NOT_FOUND',
  2002: 'REFUND_RECORD_NOT_FOUND',
  2003: 'REFUND_BENEFIT_STARTED',
  2004: 'REFUND_DEATH_NOT_FOUND',
  2005: 'REFUND_EMPLOYEE_NOT_FOUND',
  2006: 'REFUND_NOT_FUNDED',
  2007: 'REFUND_NO_OVERLAP',
}

/** Why the bureau refused a refund, when `error` is such a refusal; anything else (down, slow, garbled) is undefined. */
export function refundRefusal(error: unknown): ErrorCode | undefined {
  return error instanceof UpstreamError && error.system === 'tax' && error.kind === 'rejected' ? REFUND_REFUSALS[error.detail.upstreamCode ?? ''] : undefined
}
