import { z } from 'zod'
import { DUE_STATUS_LABELS } from '../terms/payment'
import { IdCardNoSchema, PersonNameSchema, YearSchema } from './common'
import { DeskSubjectSchema, NO_DESK_TARGET } from './desk'
import { EnrolmentStatusSchema } from './person'
import { AnyRefundReasonSchema, RefundStatusSchema } from './refund'
import { CleanTextSchema } from './text'

/** A person to pay for: oneself, a bound family member, or anyone by name + ID number (代缴). Never an amount. */
export const PersonPickSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('self') }),
  z.object({ kind: z.literal('member'), memberId: CleanTextSchema('请选择家庭成员').uuid('家庭成员不存在') }),
  z.object({ kind: z.literal('other'), name: PersonNameSchema, certNo: IdCardNoSchema }),
], { error: '请选择缴费人员' })

export const PaymentQuoteInputSchema = z.object({
  year: YearSchema,
  people: z.array(PersonPickSchema, { error: '请选择缴费人员' }).min(1, '请至少选择一位缴费人员').max(10, '一次最多为10人缴费'),
})
export type PaymentQuoteInput = z.infer<typeof PaymentQuoteInputSchema>

/**
 * `jsapi`: inside WeChat; `h5`: another browser on the payer's phone (WeChat Pay H5, the WeChat app on the
 * same phone pays); `native`: a QR code scanned with another phone (desktops, a phone without WeChat, the help desk).
 */
export const PaymentOrderInputSchema = PaymentQuoteInputSchema.extend({
  channel: z.enum(['jsapi', 'native', 'h5'], { error: '请选择支付方式' }),
})
export type PaymentOrderInput = z.infer<typeof PaymentOrderInputSchema>

/**
 * Help desk (窗口代缴): a Native QR for one resident, by name + ID number, or the handle of a resident
 * whose 电子凭证 was scanned; the staff member's region is checked.
 */
export const DeskPaymentOrderInputSchema = z.object({
  year: YearSchema,
  name: PersonNameSchema.optional(),
  certNo: IdCardNoSchema.optional(),
  subject: DeskSubjectSchema.optional(),
}).superRefine((v, ctx) => {
  if (v.subject !== undefined) {
    if (v.certNo !== undefined || v.name !== undefined) ctx.addIssue({ code: 'custom', path: ['certNo'], message: NO_DESK_TARGET })
    return
  }
  if (v.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: '请输入姓名' })
  if (v.certNo === undefined) ctx.addIssue({ code: 'custom', path: ['certNo'], message: NO_DESK_TARGET })
})
export type DeskPaymentOrderInput = z.infer<typeof DeskPaymentOrderInputSchema>

/**
 * Help desk: what the person being served owes for a year, and whether it is paid, shown before a QR code
 * is made. The handle of a scan, or the ID number of a look-up (the name only when the resident gave it).
 */
export const DeskPaymentQuoteInputSchema = z.object({
  year: YearSchema,
  name: PersonNameSchema.optional(),
  certNo: IdCardNoSchema.optional(),
  subject: DeskSubjectSchema.optional(),
}).superRefine((v, ctx) => {
  if ((v.subject === undefined) === (v.certNo === undefined) || (v.subject !== undefined && v.name !== undefined))
    ctx.addIssue({ code: 'custom', path: ['certNo'], message: NO_DESK_TARGET })
})
export type DeskPaymentQuoteInput = z.infer<typeof DeskPaymentQuoteInputSchema>

/** A WeChat 付款码 (payment code) as the scanner gun reads it: 18 digits starting 10–15. */
export const WECHAT_AUTH_CODE_RE = /^1[0-5]\d{16}$/
export const WechatAuthCodeSchema = CleanTextSchema('请扫描付款人的微信付款码')
  .trim()
  .regex(WECHAT_AUTH_CODE_RE, '付款码应为18位数字、以10至15开头，请让付款人刷新微信付款码后重新扫码')

/**
 * Help desk: take the year's premium by the payer's WeChat 付款码 (scanned with the gun), for one resident by
 * the handle of a scan or by name + ID number, as `DeskPaymentOrderInputSchema`.
 */
export const DeskCodepayInputSchema = z.object({
  year: YearSchema,
  name: PersonNameSchema.optional(),
  certNo: IdCardNoSchema.optional(),
  subject: DeskSubjectSchema.optional(),
  authCode: WechatAuthCodeSchema,
}).superRefine((v, ctx) => {
  if (v.subject !== undefined) {
    if (v.certNo !== undefined || v.name !== undefined) ctx.addIssue({ code: 'custom', path: ['certNo'], message: NO_DESK_TARGET })
    return
  }
  if (v.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: '请输入姓名' })
  if (v.certNo === undefined) ctx.addIssue({ code: 'custom', path: ['certNo'], message: NO_DESK_TARGET })
})
export type DeskCodepayInput = z.infer<typeof DeskCodepayInputSchema>

// ---------------------------------------------------------------- what the BFF answers (OpenAPI, issue 11)

/** Integer fen (分), never negative. */
const fen = (description: string, note?: string) =>
  z.number().int().nonnegative().meta({ description: `${description}（分）${note ? `；${note}` : ''}` })
/** A time as the BFF sends it: ISO 8601 with `+08:00` (Shanghai). */
const shanghaiTime = (description: string) => z.string().meta({ description: `${description}（ISO 8601，+08:00）` })
const maskedName = z.string().meta({ description: '姓名（脱敏）' })
const maskedCertNo = z.string().meta({ description: '身份证号码（脱敏，如 370502********0420）' })

/** A premium order's states (the server's ORDER_MACHINE). */
export const PAYMENT_ORDER_STATUSES = ['created', 'prepaid', 'paid', 'closed'] as const
export const PaymentOrderStatusSchema = z.enum(PAYMENT_ORDER_STATUSES)
  .meta({ description: 'created 已创建；prepaid 待支付；paid 已支付；closed 已关闭' })
/** An order line's states, one person-year each (the server's LINE_MACHINE). */
export const PAYMENT_LINE_STATUSES = ['pending', 'paid', 'reported', 'void', 'duplicate', 'refunded'] as const
export const PaymentLineStatusSchema = z.enum(PAYMENT_LINE_STATUSES)
  .meta({ description: 'pending 待支付；paid 已支付；reported 税务已入账；void 未支付已作废；duplicate 重复缴费（将退回）；refunded 已退费' })
export const PaymentChannelSchema = z.enum(['jsapi', 'native', 'h5', 'codepay'])
  .meta({ description: 'jsapi 微信内支付；native 扫码支付；h5 手机浏览器拉起微信支付（H5）；codepay 窗口扫付款人的付款码' })
export const DueStatusSchema = z.enum(Object.keys(DUE_STATUS_LABELS) as [keyof typeof DUE_STATUS_LABELS])
  .meta({ description: Object.entries(DUE_STATUS_LABELS).map(([k, v]) => `${k} ${v}`).join('；') })

/** An unpaid order that already holds the person for the year: the payer's own (may be resumed) or another's. */
export const HeldBySchema = z.discriminatedUnion('mine', [
  z.object({ mine: z.literal(true), orderId: z.string(), expiresAt: shanghaiTime('该订单失效时间') }),
  z.object({ mine: z.literal(false), orderId: z.null(), expiresAt: shanghaiTime('该订单失效时间') }),
])

/** What one person owes for the year (`lineView`), from the tax bureau: masked, amounts in fen. */
export const PaymentQuoteLineSchema = z.object({
  name: maskedName,
  certNo: maskedCertNo,
  relation: z.enum(['self', 'family', 'proxy']).meta({ description: 'self 本人；family 家庭成员；proxy 代缴' }),
  year: z.number().int(),
  regionCode: z.string().meta({ description: '参保地区划代码' }),
  standardFen: fen('个人缴费标准'),
  subsidyFen: fen('资助金额'),
  dueFen: fen('应缴金额', '不可缴费时为 0'),
  status: DueStatusSchema,
  heldBy: HeldBySchema.nullable().meta({ description: '已在一笔待支付订单中时，是哪一笔' }),
})
export type PaymentQuoteLine = z.infer<typeof PaymentQuoteLineSchema>

/** `POST /payments/quotes`: what each person owes and the total. */
export const PaymentQuoteSchema = z.object({
  year: z.number().int(),
  lines: z.array(PaymentQuoteLineSchema),
  totalFen: fen('合计应缴'),
})
export type PaymentQuote = z.infer<typeof PaymentQuoteSchema>

/** The refund of an order line, when one was asked for (the newest request). */
export const PaymentLineRefundSchema = z.object({
  id: z.string(),
  status: RefundStatusSchema,
  reason: AnyRefundReasonSchema,
})

/** One person-year of an order (masked). */
export const PaymentOrderLineSchema = z.object({
  id: z.string(),
  name: maskedName,
  certNo: maskedCertNo,
  amountFen: fen('该人员缴费金额'),
  status: PaymentLineStatusSchema,
  receiptCode: z.string().nullable().meta({ description: '电子缴费凭证查验码（支付后）' }),
  refund: PaymentLineRefundSchema.nullable(),
})
export type PaymentOrderLine = z.infer<typeof PaymentOrderLineSchema>

/** An order as its payer (or the help-desk clerk who made it) sees it (`orderView`). */
export const PaymentOrderSchema = z.object({
  id: z.string(),
  outTradeNo: z.string().meta({ description: '商户订单号（微信支付 out_trade_no）' }),
  channel: PaymentChannelSchema,
  year: z.number().int(),
  totalFen: fen('订单金额'),
  status: PaymentOrderStatusSchema,
  codeUrl: z.string().nullable().meta({ description: '扫码支付的二维码内容（仅待支付的扫码订单）' }),
  expiresAt: shanghaiTime('订单失效时间'),
  paidAt: shanghaiTime('支付时间').nullable(),
  atDesk: z.boolean().meta({ description: '窗口代缴：工作人员在服务窗口为本人办理的缴费' }),
  lines: z.array(PaymentOrderLineSchema),
})
export type PaymentOrder = z.infer<typeof PaymentOrderSchema>

/** Where a 付款码 payment stands: paid, the payer still entering the password, 撤销 (with why), or being 撤销. */
export const CODEPAY_OUTCOMES = ['paid', 'userpaying', 'reversed', 'reversing'] as const
export const DeskCodepayResultSchema = z.object({
  outcome: z.enum(CODEPAY_OUTCOMES)
    .meta({ description: 'paid 支付成功；userpaying 等待付款人输入密码；reversed 已撤销；reversing 正在撤销（稍后自动完成）' }),
  reason: z.string().nullable().meta({ description: '撤销或未成功的原因（中文），成功时为 null' }),
  order: PaymentOrderSchema,
})
export type DeskCodepayResult = z.infer<typeof DeskCodepayResultSchema>

/** What the page passes to WeChat's `WeixinJSBridge` `getBrandWCPayRequest` (signed by the merchant key). */
export const JsapiPayParamsSchema = z.object({
  appId: z.string(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string().meta({ description: 'prepay_id=…' }),
  signType: z.literal('RSA'),
  paySign: z.string(),
})

/**
 * `POST /payments/orders`: the order, and how to pay it: for a JSAPI order the parameters to pay it inside
 * WeChat, for an H5 order the address to send the phone's browser to (back to the order page afterwards).
 */
export const PaymentOrderCreatedSchema = PaymentOrderSchema.extend({
  jsapi: JsapiPayParamsSchema.nullable().meta({ description: '微信内支付参数（仅 jsapi 订单）' }),
  h5Url: z.string().nullable().meta({
    description: 'H5 支付地址（仅待支付的 h5 订单）：浏览器由本站页面跳转打开（须带来源页面），'
      + '已含支付后返回订单页的 redirect_url（/pay/orders/{id}?from=h5），5 分钟内有效',
  }),
})
export type PaymentOrderCreated = z.infer<typeof PaymentOrderCreatedSchema>

/** Public check of an electronic payment receipt (电子缴费凭证): masked facts only. */
export const ReceiptCheckSchema = z.object({
  code: z.string().meta({ description: '查验码（XXXX-XXXX-XXXX-XXXX）' }),
  valid: z.boolean().meta({ description: '凭证有效：未退费、不是重复缴费' }),
  duplicate: z.boolean().meta({ description: '重复缴费，款项将退回' }),
  name: maskedName,
  certNo: maskedCertNo,
  year: z.number().int(),
  regionCode: z.string(),
  amountFen: fen('缴费金额'),
  paidAt: shanghaiTime('支付时间'),
  reported: z.boolean().meta({ description: '税务部门已入账' }),
  refunded: z.boolean(),
  refundedAt: shanghaiTime('退费时间').nullable(),
})
export type ReceiptCheck = z.infer<typeof ReceiptCheckSchema>

/** Text of the printed (PDF) 电子缴费凭证, worded as the public check (缴费凭证核验) says it. */
export const RECEIPT_PRINT_LABELS = {
  title: '城乡居民基本医疗保险费电子缴费凭证',
  code: '凭证编号',
  name: '缴费人',
  certNo: '证件号码',
  year: '缴费年度',
  yearValue: '{n}年度',
  region: '参保地',
  amount: '缴费金额',
  paidAt: '缴费时间',
  status: '凭证状态',
  valid: '有效',
  reported: '税务部门',
  reportedYes: '已入账',
  reportedNo: '正在报送',
  refunded: '已退费，本凭证作废',
  refundedAt: '退费时间：{n}',
  refundedHint: '保费已退回缴费人，本凭证不能再作为缴费证明。',
  duplicate: '重复缴费，正在原路退回，本凭证作废',
  duplicateHint: '该人员本年度已由另一笔缴费参保，这笔重复的保费将原路退回缴费人，本凭证不能作为缴费证明。',
  verifyQr: '扫描右侧二维码或访问其下方的网址，可以核验本凭证是否真实有效。',
  printedAt: '打印时间',
  footer: '金额单位为元。凭证是否有效，以核验网址查询的结果为准。',
} as const

/** `POST /person-lookups`: a name + ID number checked at the bureau (代缴), told back masked. */
export const PersonLookupResultSchema = z.object({
  name: maskedName,
  certNo: maskedCertNo,
  regionCode: z.string(),
  residentInsurance: z.object({ status: EnrolmentStatusSchema, regionCode: z.string() }).nullable()
    .meta({ description: '城乡居民医保参保状态；未参加时为 null' }),
})
export type PersonLookupResult = z.infer<typeof PersonLookupResultSchema>

/** WeChat Pay's own failure answer to a callback (it retries on any non-2xx status). */
export const WechatPayNotifyFailureSchema = z.object({
  code: z.literal('FAIL'),
  message: z.string(),
})
