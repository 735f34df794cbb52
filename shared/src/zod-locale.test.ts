import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { fieldErrorsFromIssues } from './validation'
import { useChineseZodErrors } from './zod-locale'

const HAN = /\p{Script=Han}/u
const LATIN_WORD = /[A-Z]{2,}/i

describe('zod speaks Chinese (zh-CN locale as the global error map)', () => {
  beforeAll(() => useChineseZodErrors())
  afterAll(() => z.config({ localeError: undefined }))

  it('words every kind of problem of a schema without its own message in Chinese, with no English type name', () => {
    const cases: [z.ZodType, unknown][] = [
      [z.string().max(3), 'abcd'],
      [z.number(), 'x'],
      [z.boolean(), 'yes'],
      [z.object({}), []],
      [z.array(z.string()), {}],
      [z.enum(['a', 'b']), 'c'],
      [z.literal('1'), '2'],
      [z.string().regex(/^\d+$/), 'y'],
      [z.number().int(), 1.5],
      [z.strictObject({ a: z.string() }), { a: 'x', b: 1 }],
      [z.string().min(2), 'a'],
      [z.array(z.string()).max(1), ['a', 'b']],
      [z.union([z.string(), z.number()]), true],
    ]
    for (const [schema, input] of cases) {
      const message = schema.safeParse(input).error!.issues[0]!.message
      expect(message, message).toMatch(HAN)
      expect(message.replace(/"[^"]*"/g, ''), message).not.toMatch(LATIN_WORD)
    }
    expect(z.boolean().safeParse('yes').error!.issues[0]!.message).toBe('无效输入：期望 是或否，实际接收 文本')
    expect(z.string().regex(/^\d+$/).safeParse('y').error!.issues[0]!.message).toBe('格式不正确')
  })

  it('reaches the fields of the error envelope as zod words them; a schema\'s own message still wins', () => {
    const schema = z.object({ member: z.string().max(3), fresh: z.boolean(), phone: z.string({ error: '请输入手机号码' }) })
    expect(fieldErrorsFromIssues(schema.safeParse({ member: 'abcdef', fresh: 'yes', phone: 1 }).error!.issues)).toEqual({
      member: '数值过大：期望 文本 <=3 字符',
      fresh: '无效输入：期望 是或否，实际接收 文本',
      phone: '请输入手机号码',
    })
    expect(fieldErrorsFromIssues(schema.safeParse([1]).error!.issues)).toEqual({ _: '无效输入：期望 对象，实际接收 数组' })
  })
})
