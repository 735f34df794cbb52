import type { Storage } from '../storage/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DONGYING_ADULT, GUIZHOU_POVERTY } from '../testing/nhsa-handlers'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const { app } = createTestApp({ storage })
  return app.request('/api/v1/person-lookups', { method: 'POST', body, headers })
}

describe('POST /api/v1/person-lookups (the shared validator and error envelope)', () => {
  it('confirms an enrolled person by name and ID number, masked', async () => {
    const { client } = createTestApp({ storage })
    const res = await client.api.v1['person-lookups'].$post({ json: { name: GUIZHOU_POVERTY.psn_name, certNo: GUIZHOU_POVERTY.certno } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: '杨**', certNo: '522601********0518', regionCode: '522601', residentInsurance: { status: 'active', regionCode: '522601' } })
  })

  it('returns 404 PERSON_NOT_FOUND when the name does not match the ID number', async () => {
    const res = await post(JSON.stringify({ name: '张三', certNo: DONGYING_ADULT.certno }))
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'PERSON_NOT_FOUND', message: '未查询到该人员的参保信息，请核对姓名和证件号码' } })
  })

  it('returns 400 VALIDATION_FAILED naming the field when the ID number fails the GB 11643 checksum', async () => {
    const res = await post(JSON.stringify({ name: '王桂兰', certNo: '370502196804122022' }))
    expect(res.status).toBe(400)
    const body = await res.json() as { error: { code: string, message: string, fields: Record<string, string>, requestId: string } }
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(body.error.message).toBe('填写的信息有误，请检查后再提交')
    expect(body.error.fields).toEqual({ certNo: '身份证号码校验不通过，请核对后重新输入' })
    expect(body.error.requestId).toMatch(/.+/)
  })

  it('returns 400 with a message per field for wrong types', async () => {
    const res = await post(JSON.stringify({ name: 42, certNo: ['x'] }))
    expect(res.status).toBe(400)
    const body = await res.json() as { error: { fields: Record<string, string> } }
    expect(body.error.fields).toEqual({ name: '请输入姓名', certNo: '请输入身份证号码' })
  })

  it('returns 400 MALFORMED_JSON for a body that is not JSON, with no stack trace', async () => {
    const res = await post('{"name": "王桂兰", ')
    expect(res.status).toBe(400)
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'MALFORMED_JSON', message: '提交的内容格式不正确，请刷新页面后重试' } })
    expect(text).not.toMatch(/at .*\.ts|SyntaxError/)
  })

  it('returns 400 when the content type is not JSON', async () => {
    const res = await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } })
  })

  it('returns 413 BODY_TOO_LARGE for an oversized body', async () => {
    const res = await post(JSON.stringify({ name: '王桂兰', certNo: DONGYING_ADULT.certno, pad: 'x'.repeat(70 * 1024) }))
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE', message: '提交的内容过大，请精简后再提交' } })
  })
})

describe('unknown routes and headers', () => {
  it('returns 404 ROUTE_NOT_FOUND in the envelope for an unknown API route', async () => {
    const { app } = createTestApp({ storage })
    const res = await app.request('/api/v1/nothing-here')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND', message: '您访问的功能不存在' } })
  })

  it('sends secure headers: CSP without inline scripts, HSTS, frame-ancestors none', async () => {
    const { app } = createTestApp({ storage })
    const res = await app.request('/healthz')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain('script-src \'self\'')
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(csp).toContain('frame-ancestors \'none\'')
    // The desk's print frames hold a fetched PDF blob; nothing else may be framed.
    expect(csp).toContain('frame-src \'self\' blob:')
    expect(res.headers.get('strict-transport-security')).toContain('max-age=31536000')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })
})
