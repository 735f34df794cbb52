import { z } from 'zod'
import { IdCardNoSchema } from './common'
import { DeskSubjectSchema, NO_DESK_TARGET } from './desk'
import { CleanTextSchema } from './text'

/**
 * 参保证明 (certificate of enrolment): a one-page PDF of a person's resident-insurance years (参保类别 and
 * whether each year is paid), issued to the resident (or a family member they act for) or printed at the
 * desk, with a 验证码 and the QR code of the public 参保证明核验 page. Each issue is recorded, so the check
 * shows the masked facts of what was printed, and says 已过期 once the certificate's validity has ended.
 */

/** How long a printed 参保证明 is valid (days from the issue day): what the check says after that is 已过期. */
export const CERTIFICATE_VALID_DAYS = 90

/** A certificate's 验证码: 16 characters of the receipts' alphabet in four groups, `ABCD-EFGH-JKLM-NPQR`. */
export const CERTIFICATE_CODE_PATTERN = /^[A-HJ-NP-Z2-9]{4}(?:-[A-HJ-NP-Z2-9]{4}){3}$/

/** As printed or typed (any case, with or without hyphens and spaces) → `ABCD-EFGH-JKLM-NPQR`, or null. */
export function normaliseCertificateCode(text: string): string | null {
  const raw = text.toUpperCase().replace(/[\s-]/g, '')
  if (raw.length !== 16) return null
  const code = raw.replace(/(.{4})(?=.)/g, '$1-')
  return CERTIFICATE_CODE_PATTERN.test(code) ? code : null
}

/** A typed or scanned 验证码 (any case, hyphens and spaces optional); normalise with `normaliseCertificateCode`. */
export const CertificateCodeSchema = CleanTextSchema('验证码不正确')
  .max(40, '验证码不正确，应为16位字母和数字')
  .refine(v => normaliseCertificateCode(v) !== null, { error: '验证码不正确，应为16位字母和数字' })

/** `GET /certificates/pdf?member=`: one's own, or a bound family member's (the family link's id). */
export const CertificateQuerySchema = z.object({
  member: CleanTextSchema('家庭成员编号不正确').max(64, '家庭成员编号不正确').optional(),
})

/** `POST /desk/certificates`: the person being served, by the scan's sealed handle or an ID number. */
export const DeskCertificateInputSchema = z.object({
  certNo: IdCardNoSchema.optional(),
  subject: DeskSubjectSchema.optional(),
}).refine(v => (v.certNo === undefined) !== (v.subject === undefined), { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskCertificateInput = z.infer<typeof DeskCertificateInputSchema>

/** One benefit year on a certificate. */
export const CertificateYearSchema = z.object({
  year: z.number().int().meta({ description: '待遇年度' }),
  categoryLabel: z.string().nullable().meta({ description: '人员类别（参保类别）' }),
  statusLabel: z.string().meta({ description: '参保状态，如 正常参保、待缴费' }),
  paid: z.boolean().meta({ description: '该年度已缴费（含财政代缴）' }),
  fullyFunded: z.boolean().meta({ description: '财政代缴（政府全额资助）' }),
})
export type CertificateYear = z.infer<typeof CertificateYearSchema>

/** `GET /certificates/verify/:code`: what the public check shows of an issued certificate (masked). */
export const CertificateCheckSchema = z.object({
  code: z.string().meta({ description: '验证码' }),
  status: z.enum(['valid', 'expired']).meta({ description: 'valid：有效；expired：已过有效期' }),
  name: z.string().meta({ description: '姓名（脱敏）' }),
  certNo: z.string().meta({ description: '身份证号码（脱敏）' }),
  regionCode: z.string().meta({ description: '参保地区划代码' }),
  regionName: z.string().meta({ description: '参保地名称（GB/T 2260）' }),
  years: z.array(CertificateYearSchema).meta({ description: '证明的参保年度，新的在前' }),
  issuedAt: z.string().meta({ description: '出具时间（ISO 8601，+08:00）' }),
  validUntil: z.string().meta({ description: '有效期至（北京时间日期，YYYY-MM-DD）' }),
})
export type CertificateCheck = z.infer<typeof CertificateCheckSchema>

/** 参保证明核验 of one certificate, e.g. `/certificates/verify?code=ABCD-…`. */
export function certificateVerifyPath(code: string): string {
  return `/certificates/verify?code=${encodeURIComponent(code)}`
}

/** Text of the printed 参保证明. */
export const CERTIFICATE_PRINT_LABELS = {
  title: '城乡居民基本医疗保险参保证明',
  intro: '兹证明下列人员参加城乡居民基本医疗保险，参保缴费情况如下：',
  name: '姓名',
  certNo: '证件号码',
  region: '参保地',
  insurance: '险种',
  insuranceValue: '城乡居民基本医疗保险',
  year: '待遇年度',
  yearValue: '{n}年度',
  category: '人员类别',
  status: '参保状态',
  paid: '缴费情况',
  paidYes: '已缴费',
  paidFunded: '已缴费（财政代缴）',
  paidNo: '未缴费',
  none: '—',
  noYears: '暂无参保缴费记录',
  issuedAt: '出具日期',
  validUntil: '有效期至',
  issuer: '出具单位',
  issuerValue: '医保自助（城乡居民基本医疗保险）',
  code: '验证码',
  verifyQr: '扫描右侧二维码或访问其下方的网址，输入验证码，可核验本证明是否真实有效。',
  footer: '本证明仅证明出具时的参保缴费情况。证明是否有效，以核验网址查询的结果为准。',
} as const
