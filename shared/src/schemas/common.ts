import { z } from 'zod'
import { idCardProblem } from '../id-card'
import { CleanTextSchema } from './text'

const ID_CARD_MESSAGES = {
  format: '请输入18位身份证号码（最后一位可以是X）',
  birthdate: '身份证号码中的出生日期不正确',
  checksum: '身份证号码校验不通过，请核对后重新输入',
} as const

/** 18-digit resident ID number, checked with the GB 11643 checksum; normalised to upper-case X. */
export const IdCardNoSchema = CleanTextSchema('请输入身份证号码')
  .trim()
  .transform(v => v.toUpperCase())
  .superRefine((value, ctx) => {
    const problem = idCardProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: ID_CARD_MESSAGES[problem] })
  })

/** Mainland mobile number. */
export const MobileSchema = CleanTextSchema('请输入手机号码').trim().regex(/^1[3-9]\d{9}$/, '请输入11位手机号码')

/** A person's name as on the ID card (Chinese, with the middle dot of minority names). */
export const PersonNameSchema = CleanTextSchema('请输入姓名')
  .trim()
  .min(2, '姓名至少2个字')
  .max(30, '姓名过长')
  .regex(/^[\u3400-\u9FFF·•]+$/, '请输入与身份证一致的中文姓名')

/** An amount of money in integer fen. */
export const FenSchema = z
  .number({ error: '金额必须是数字' })
  .int('金额必须精确到分')
  .nonnegative('金额不能为负数')
  .max(100_000_000_00, '金额过大')

/** 6-digit 医保区划 (administrative division) code. */
export const RegionCodeSchema = CleanTextSchema('请填写区划代码').regex(/^\d{6}$/, '区划代码应为6位数字')

/** Whether `YYYY-MM-DD` names a day that exists (no 2 月 30 日, no month 13), years 1900–2100. */
export function isCalendarDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return false
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return d <= days[m - 1]!
}

/**
 * A day a person enters (`YYYY-MM-DD`) that must exist on the calendar: the format is checked first, then the
 * day itself, so 2 月 30 日 gets its own plain message and never reaches a bureau system.
 */
export function calendarDaySchema(required: string, format = '日期格式应为“年-月-日”，例如 2001-09-01') {
  const shape = /^\d{4}-\d{2}-\d{2}$/
  return CleanTextSchema(required)
    .regex(shape, format)
    .refine(text => !shape.test(text) || isCalendarDay(text), '日期不存在，请核对')
}

/** Calendar year of enrolment. */
export const YearSchema = z.coerce.number({ error: '年度必须是数字' }).int('年度必须是整数').min(2000, '年度不正确').max(2100, '年度不正确')

// ---------------------------------------------------------------- replies (OpenAPI response schemas)

/** A time in a reply: ISO 8601 with `+08:00` (北京时间). */
export const ShanghaiTimeSchema = CleanTextSchema('时间格式不正确').meta({ description: '时间（北京时间，ISO 8601，带 +08:00）' })

/** A calendar day in a reply (Shanghai). */
export const DayTextSchema = CleanTextSchema('日期格式不正确').meta({ description: '日期（YYYY-MM-DD）' })

/** An amount of money in a reply, integer fen (never negative). */
export function fenReply(description: string) {
  return FenSchema.meta({ description: `${description}（整数，单位：分）` })
}

/** An amount of money in a reply that may be negative (a difference, or a bureau's figure as sent), integer fen. */
export function signedFenReply(description: string) {
  return z.number().int().meta({ description: `${description}（整数，单位：分）` })
}

/** A rate in a reply, a decimal between 0 and 1 (0.6 = 60%). */
export function rateReply(description: string) {
  return z.number().min(0).max(1).meta({ description: `${description}（0–1 的小数）` })
}
