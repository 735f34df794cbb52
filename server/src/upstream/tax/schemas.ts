import { z } from 'zod'
import { YuanAmountWire } from '../nhsa/schemas'

/**
 * Wire format of the tax bureau's 社保费征收 system (its own JSON with pinyin-initial field names; the
 * sandbox's stand-in is in test/sandbox/src/tax/routes.ts). Premiums of 城乡居民医保 are collected by
 * the tax bureau, so whether a year is paid is the tax system's answer, not the medical-insurance bureau's.
 */

const Code = z.union([z.string(), z.number()]).transform(String)
const Blank = z.string().nullish().transform(v => (v == null || v.trim() === '' ? null : v.trim()))

/** Request of `POST /tax/api/contribution/query`. */
export interface TaxQueryRequest {
  /** 身份证件类型: 201 居民身份证. */
  sfzjlx: '201'
  /** 身份证件号码. */
  sfzjhm: string
  /** 缴费年度 filter (all years when absent). */
  jfnd?: number
}

/** One 缴费信息 row. */
export const TaxContributionWire = z.object({
  /** 缴费年度: the benefit year the premium is for. */
  jfnd: z.union([z.string().regex(/^\d{4}$/), z.number().int()]).transform(Number),
  /** 险种代码 (390 城乡居民基本医疗保险). */
  xzdm: Code.nullish().transform(v => v ?? '390'),
  /** 参保地区划 (6 digits). */
  cbdq: Code,
  /** 缴费人员类别 (the medical-insurance psn_type code). */
  jfrylb: Code.nullish(),
  /** 缴费状态: 1 已缴, 0 未缴. */
  jfzt: Code,
  /** Yuan, 2 decimals: the amount paid, or the amount due while unpaid. Parsed to fen. */
  jfje: YuanAmountWire,
  /** 缴费时间 `yyyy-MM-dd HH:mm:ss` (Shanghai), blank while unpaid. */
  jfrq: Blank,
  /** 缴费渠道: 01 微信, 02 支付宝, 03 银行APP, 04 办税服务厅, 05 财政代缴. */
  jfqd: Blank,
  /** 电子缴费凭证号. */
  pzhm: Blank,
})
export type TaxContribution = z.infer<typeof TaxContributionWire>

/** Reply of the contribution query: `fhdm` 0000 = success, 1001 = no such payer, 9001 = bad request. */
export const TaxQueryReplyWire = z.object({
  fhdm: Code,
  fhxx: z.string().nullish(),
  jfxx: z.array(TaxContributionWire).nullish().transform(v => v ?? []),
})
export type TaxQueryReply = z.infer<typeof TaxQueryReplyWire>
/** The wire shape before parsing (what the tax system sends), for mocks and fixtures. */
export type TaxQueryReplyInput = z.input<typeof TaxQueryReplyWire>
