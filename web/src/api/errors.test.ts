import { describe, expect, it } from 'vitest'
import { ApiError, unwrap } from './errors'

function response(status: number, body: unknown) {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

describe('unwrap', () => {
  it('returns the JSON of a successful response', async () => {
    await expect(unwrap(Promise.resolve(response(200, { a: 1 })))).resolves.toEqual({ a: 1 })
  })

  it('throws ApiError with code, message, request id and fields from the envelope', async () => {
    const err = await unwrap(Promise.resolve(response(400, { error: { code: 'VALIDATION_FAILED', message: '填写的信息有误，请检查后再提交', requestId: 'r1', fields: { certNo: '身份证号码校验不通过，请核对后重新输入' } } }))).catch(e => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, requestId: 'r1', fields: { certNo: '身份证号码校验不通过，请核对后重新输入' } })
  })

  it('turns a body that is not the envelope into a generic Chinese message', async () => {
    const err = await unwrap(Promise.resolve(response(500, '<html>oops</html>'))).catch(e => e)
    expect(err).toMatchObject({ code: 'INTERNAL', message: '系统繁忙，请稍后再试', status: 500 })
  })

  it('turns a network failure into a NETWORK error', async () => {
    const err = await unwrap(Promise.reject(new TypeError('fetch failed'))).catch(e => e)
    expect(err).toMatchObject({ code: 'NETWORK', message: '网络连接失败，请检查网络后重试' })
  })
})
