import type { AppEnv } from './types'
import { CleanTextSchema, ERROR_MESSAGES, UNRECOGNISED_TEXT } from '@yibao/shared'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { handleError } from './error-handler'
import { cleanPathSegments, requestValidators, validate } from './validate'

// A schema that forgot CleanTextSchema (as a new route's might), and one that did not.
const Loose = z.object({ note: z.string().max(50), tags: z.array(z.string()).optional() })
const Clean = z.object({ note: CleanTextSchema('请填写备注', { multiline: true }).max(50) })
const Query = z.object({ q: z.string().optional() })
const looseBody = validate('json', Loose)

function app() {
  return new Hono<AppEnv>()
    .use('*', cleanPathSegments())
    .post('/loose', looseBody, c => c.json(c.req.valid('json')))
    .post('/clean', validate('json', Clean), c => c.json(c.req.valid('json')))
    .get('/items/:id', validate('query', Query), c => c.json({ id: c.req.param('id') }))
    .onError(handleError)
}

interface Reply { error?: { code: string, message: string, fields?: Record<string, string> } }

async function post(path: string, body: unknown) {
  const headers = { 'content-type': 'application/json' }
  const res = await app().request(path, { method: 'POST', headers, body: JSON.stringify(body) })
  return { status: res.status, body: await res.json() as Reply }
}

describe('validate', () => {
  it('refuses NUL and lone surrogates where a schema forgot CleanTextSchema, on the field, in Chinese', async () => {
    const cases = [[{ note: 'a\0b' }, 'note'], [{ note: 'ok', tags: ['x', '\uDC00'] }, 'tags.1']] as const
    for (const [body, field] of cases) {
      const res = await post('/loose', body)
      expect(res.status).toBe(400)
      expect(res.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: ERROR_MESSAGES.VALIDATION_FAILED,
        fields: { [field]: UNRECOGNISED_TEXT },
      })
    }
    // Text a person can type goes through: emoji (a surrogate pair), RTL marks, Chinese.
    expect(await post('/loose', { note: '张😀\u200F' })).toMatchObject({ status: 200, body: { note: '张😀\u200F' } })
  })

  it('says the schema\'s own clean-text message, and lets a multi-line field keep its line breaks', async () => {
    expect((await post('/clean', { note: 'a\u0007' })).body.error?.fields).toEqual({ note: UNRECOGNISED_TEXT })
    expect(await post('/clean', { note: '第一行\n第二行' })).toMatchObject({ status: 200, body: { note: '第一行\n第二行' } })
  })

  it('never passes zod\'s English on: a field without a message of its own gets zod\'s zh-CN one', async () => {
    const notText = await post('/loose', { note: 12 })
    expect(notText.body.error?.fields).toEqual({ note: '无效输入：期望 文本，实际接收 数字' })
    expect((await post('/loose', 'text')).body.error?.fields).toEqual({ _: '无效输入：期望 对象，实际接收 文本' })
    expect((await post('/loose', [1])).body.error?.fields).toEqual({ _: '无效输入：期望 对象，实际接收 数组' })
  })

  it('tells tests which schema a middleware validates', () => {
    expect(requestValidators(looseBody)).toEqual({ target: 'json', schema: Loose })
    expect(requestValidators(() => {})).toBeUndefined()
  })
})

describe('cleanPathSegments', () => {
  it('answers 404 in the envelope for a path segment that decodes to a control character or broken UTF-8', async () => {
    for (const id of ['%00', 'a%0Ab', '%C2%85', '%ED%A0%80', '%FF', '%C0%80', '%E4%B8']) {
      const res = await app().request(`/items/${id}`)
      expect(res.status, id).toBe(404)
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: ERROR_MESSAGES.NOT_FOUND } })
    }
  })

  it('lets encoded text through (Chinese, emoji, spaces), and leaves the query to the schemas', async () => {
    const cases = [['%E5%BC%A0', '张'], ['%F0%9F%98%80', '😀'], ['a%20b', 'a b'], ['plain-id', 'plain-id']]
    for (const [id, decoded] of cases) {
      const res = await app().request(`/items/${id}?q=%00`)
      expect(res.status, id).toBe(400)
      expect((await res.json() as Reply).error?.fields).toEqual({ q: UNRECOGNISED_TEXT })
      expect(await (await app().request(`/items/${id}`)).json()).toEqual({ id: decoded })
    }
  })
})
