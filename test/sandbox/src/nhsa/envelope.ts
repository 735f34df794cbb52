import { z } from 'zod'
import { compactMillis, compactTime, parseCompactTime, parseWireDateTime } from '../lib/wire-time'

/**
 * The 医疗保障信息平台 message envelope (nhsa-interface.md §2.1) as the sandbox checks and answers it.
 * Signing (SM2) and output encryption (SM4) are not modelled: `cainfo`/`signtype` are accepted and ignored.
 */

/** Path used by real 定点机构 integrations for every transaction. */
export const NHSA_CALL_SERVICE_PATH = '/fsi/api/rsfComIfsService/callService'

const DIVISION = /^\d{6}$/
const requiredText = (label: string, max: number) =>
  z.string({ error: `${label}不能为空` }).trim().min(1, { error: `${label}不能为空` }).max(max, { error: `${label}超长（最多${max}位）` })
const optionalText = z.string().nullish()

/**
 * Request envelope. Error messages are what the sandbox puts in `err_msg` (Chinese, naming the field).
 * Unknown extra fields are ignored, as the platform does.
 */
export const NhsaRequestSchema = z.object({
  infno: z.string({ error: '交易编号[infno]不能为空' }).regex(/^\d{4}$/, { error: '交易编号[infno]格式错误，应为4位数字' }),
  msgid: z.string({ error: '发送方报文ID[msgid]不能为空' }).refine(isValidMsgid, {
    error: '发送方报文ID[msgid]格式错误，应为定点机构编号(12位)+yyyyMMddHHmmss(14位)+顺序号(4位)共30位',
  }),
  mdtrtarea_admvs: z.string({ error: '就医地医保区划[mdtrtarea_admvs]不能为空' }).regex(DIVISION, { error: '就医地医保区划[mdtrtarea_admvs]格式错误，应为6位区划代码' }),
  insuplc_admdvs: z.string().nullish().refine(v => v === undefined || v === null || v === '' || DIVISION.test(v), {
    error: '参保地医保区划[insuplc_admdvs]格式错误，应为6位区划代码',
  }),
  recer_sys_code: requiredText('接收方系统代码[recer_sys_code]', 10),
  dev_no: optionalText,
  dev_safe_info: optionalText,
  cainfo: optionalText,
  signtype: optionalText,
  infver: requiredText('接口版本号[infver]', 6),
  opter_type: z.enum(['1', '2', '3'], { error: '经办人类别[opter_type]应为1（经办人）、2（自助终端）或3（移动终端）' }),
  opter: requiredText('经办人[opter]', 30),
  opter_name: requiredText('经办人姓名[opter_name]', 50),
  inf_time: z.string({ error: '交易时间[inf_time]不能为空' }).refine(v => parseWireDateTime(v) !== null, {
    error: '交易时间[inf_time]格式错误，应为yyyy-MM-dd HH:mm:ss',
  }),
  fixmedins_code: requiredText('定点医药机构编号[fixmedins_code]', 30),
  fixmedins_name: requiredText('定点医药机构名称[fixmedins_name]', 200),
  sign_no: z.string({ error: '交易签到流水号[sign_no]不能为空' }).max(30, { error: '交易签到流水号[sign_no]超长' }),
  input: z.record(z.string(), z.unknown(), { error: '交易输入[input]必须是JSON对象' }),
})

/** A validated request envelope. */
export type NhsaRequest = z.infer<typeof NhsaRequestSchema>

/** `定点机构编号(12) + yyyyMMddHHmmss(14) + 顺序号(4)`, 30 characters, with a real date-time. */
export function isValidMsgid(msgid: string): boolean {
  return /^[0-9A-Z]{12}\d{18}$/i.test(msgid) && parseCompactTime(msgid.slice(12, 26)) !== null
}

/**
 * Response envelope. `infcode` 0 = success, -1 = failure; `err_msg` is `null` on success and Chinese
 * text on failure; `output` is `null` on failure.
 */
export interface NhsaResponse<T = unknown> {
  infcode: 0 | -1
  /** 接收方区划(6) + yyyyMMddHHmmss(14) + 流水号(10). */
  inf_refmsgid: string
  /** When the platform received the request, yyyyMMddHHmmssSSS. */
  refmsg_time: string
  /** When the platform answered, yyyyMMddHHmmssSSS. */
  respond_time: string
  err_msg: string | null
  warn_msg: string | null
  cainfo: string | null
  signtype: string | null
  output: T | null
}

/** Everything needed to stamp a response envelope. */
export interface ResponseStamp {
  /** Receiving division: insuplc_admdvs, else mdtrtarea_admvs, else `000000`. */
  region: string
  received: Date
  responded: Date
  serial: number
}

/** Builds `inf_refmsgid`. */
export function refMsgId(stamp: ResponseStamp): string {
  return `${stamp.region}${compactTime(stamp.received)}${String(stamp.serial % 10_000_000_000).padStart(10, '0')}`
}

/** Success envelope. */
export function successEnvelope<T>(stamp: ResponseStamp, output: T): NhsaResponse<T> {
  return { infcode: 0, ...timing(stamp), err_msg: null, warn_msg: null, cainfo: null, signtype: null, output }
}

/** Failure envelope. */
export function failureEnvelope(stamp: ResponseStamp, errMsg: string): NhsaResponse<never> {
  return { infcode: -1, ...timing(stamp), err_msg: errMsg, warn_msg: null, cainfo: null, signtype: null, output: null }
}

function timing(stamp: ResponseStamp): Pick<NhsaResponse, 'inf_refmsgid' | 'refmsg_time' | 'respond_time'> {
  return { inf_refmsgid: refMsgId(stamp), refmsg_time: compactMillis(stamp.received), respond_time: compactMillis(stamp.responded) }
}

/** Best-effort receiving division from a raw (maybe invalid) request body. */
export function regionOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return '000000'
  const { insuplc_admdvs: insuplc, mdtrtarea_admvs: mdtrtarea } = raw as Record<string, unknown>
  if (typeof insuplc === 'string' && DIVISION.test(insuplc)) return insuplc
  if (typeof mdtrtarea === 'string' && DIVISION.test(mdtrtarea)) return mdtrtarea
  return '000000'
}

/** First issue of a zod error as `err_msg` text. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return '未知错误'
  return issue.message
}
