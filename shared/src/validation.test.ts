import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { IdCardNoSchema } from './schemas/common'
import { FALLBACK_FIELD_MESSAGES, fieldErrorsFromIssues } from './validation'

describe('fieldErrorsFromIssues', () => {
  it('keeps the first Chinese message per field path, nested paths joined with dots', () => {
    const schema = z.object({ certNo: IdCardNoSchema, ytd: z.object({ paid: z.number({ error: '请填写金额' }) }) })
    const result = schema.safeParse({ certNo: '110105194912310021', ytd: { paid: 'x' } })
    expect(fieldErrorsFromIssues(result.error!.issues)).toEqual({ 'certNo': '身份证号码校验不通过，请核对后重新输入', 'ytd.paid': '请填写金额' })
  })
  it('puts form-level issues under _', () => {
    expect(fieldErrorsFromIssues([{ path: [], message: '请填写' }, { path: [], message: '第二条' }])).toEqual({ _: '请填写' })
  })
  it('never passes on zod\'s English defaults: a field without its own message gets a Chinese one by kind', () => {
    const schema = z.object({ code: z.string().min(1).max(3), page: z.number(), kind: z.literal('1') })
    const result = schema.safeParse({ code: 'abcd', page: 'x', kind: '2' })
    expect(fieldErrorsFromIssues(result.error!.issues)).toEqual({
      code: FALLBACK_FIELD_MESSAGES.too_big,
      page: FALLBACK_FIELD_MESSAGES.invalid_type,
      kind: FALLBACK_FIELD_MESSAGES.other,
    })
    const notAnObject = schema.safeParse('a string').error!.issues
    expect(fieldErrorsFromIssues(notAnObject)).toEqual({ _: FALLBACK_FIELD_MESSAGES.invalid_type })
    const english = [{ path: ['x'], message: 'Too small', code: 'too_small' }]
    expect(fieldErrorsFromIssues(english)).toEqual({ x: FALLBACK_FIELD_MESSAGES.too_small })
  })
})
