import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { IdCardNoSchema } from './schemas/common'
import { fieldErrorsFromIssues } from './validation'

describe('fieldErrorsFromIssues', () => {
  it('keeps the first Chinese message per field path, nested paths joined with dots', () => {
    const schema = z.object({ certNo: IdCardNoSchema, ytd: z.object({ paid: z.number({ error: '请填写金额' }) }) })
    const result = schema.safeParse({ certNo: '110105194912310021', ytd: { paid: 'x' } })
    expect(fieldErrorsFromIssues(result.error!.issues)).toEqual({ 'certNo': '身份证号码校验不通过，请核对后重新输入', 'ytd.paid': '请填写金额' })
  })
  it('puts form-level issues under _', () => {
    expect(fieldErrorsFromIssues([{ path: [], message: '请填写' }, { path: [], message: '第二条' }])).toEqual({ _: '请填写' })
  })
})
