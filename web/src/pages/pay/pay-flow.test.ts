import { describe, expect, it } from 'vitest'
import { clock, confirmationFor, isRetryable, isWechatBrowser, normaliseReceiptCode, payDevice, prepayIdOf, sandboxPayUrl, shanghaiMinute } from './pay-flow'

const body = { year: 2027, channel: 'native' as const, people: [{ kind: 'self' as const }] }

describe('pay flow helpers', () => {
  it('reuses the key for a retry of the same confirmation and makes a new one for a different body', () => {
    const first = confirmationFor(body, null)
    expect(first.key).toMatch(/^[\w-]{20,255}$/)
    expect(confirmationFor({ ...body, people: [{ kind: 'self' }] }, first)).toBe(first)
    const other = confirmationFor({ ...body, year: 2026 }, first)
    expect(other.key).not.toBe(first.key)
    expect(confirmationFor(body, null).key).not.toBe(first.key)
  })

  it('retries network failures, 5xx and "in progress" only', () => {
    expect(isRetryable('NETWORK', 0)).toBe(true)
    expect(isRetryable('UPSTREAM_UNAVAILABLE', 502)).toBe(true)
    expect(isRetryable('UPSTREAM_TIMEOUT', 504)).toBe(true)
    expect(isRetryable('IDEMPOTENCY_KEY_IN_USE', 409)).toBe(true)
    expect(isRetryable('NOTHING_TO_PAY', 409)).toBe(false)
    expect(isRetryable('VALIDATION_FAILED', 400)).toBe(false)
  })

  it('tells WeChat\'s browser by its user agent', () => {
    expect(isWechatBrowser('Mozilla/5.0 (Linux; Android 12) Mobile Safari/537.36 MicroMessenger/8.0.50.2701(0x28003253) WeChat/arm64')).toBe(true)
    expect(isWechatBrowser('Mozilla/5.0 (Linux; Android 12) Chrome/116.0.0.0 Mobile Safari/537.36')).toBe(false)
  })

  it('tells WeChat (JSAPI), another phone browser (H5) and a computer (QR code) apart', () => {
    const wechat = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 MicroMessenger/8.0.49(0x18003137)'
    expect(payDevice(wechat)).toBe('wechat')
    for (const phone of [
      'Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 Chrome/116.0.0.0 Mobile Safari/537.36',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Linux; Android 12; HarmonyOS; ALN-AL00) AppleWebKit/537.36 HuaweiBrowser/14.0 Mobile Safari/537.36',
      'Mozilla/5.0 (Linux; U; Android 13; zh-cn; 22081212C) AppleWebKit/537.36 Chrome/100.0 MQQBrowser/13.6 Mobile',
    ]) expect(payDevice(phone)).toBe('phone')
    for (const computer of [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    ]) expect(payDevice(computer)).toBe('desktop')
  })

  it('builds the simulator\'s payer page URL for a prepay or a code URL', () => {
    expect(prepayIdOf({ package: 'prepay_id=wx201410272009395522657a690389285100' })).toBe('wx201410272009395522657a690389285100')
    const jsapi = new URL(sandboxPayUrl('http://127.0.0.1:8788/__sandbox/wechatpay', { prepayId: 'wx1' }, 'http://127.0.0.1:8787/pay/orders/abc'))
    expect(jsapi.pathname).toBe('/__sandbox/wechatpay/pay')
    expect(jsapi.searchParams.get('prepay_id')).toBe('wx1')
    expect(jsapi.searchParams.get('return_url')).toBe('http://127.0.0.1:8787/pay/orders/abc')
    const native = new URL(sandboxPayUrl('http://127.0.0.1:8788/__sandbox/wechatpay', { codeUrl: 'weixin://wxpay/bizpayurl?pr=abc' }))
    expect(native.searchParams.get('code_url')).toBe('weixin://wxpay/bizpayurl?pr=abc')
    expect(native.searchParams.has('return_url')).toBe(false)
  })

  it('normalises receipt codes as typed or scanned', () => {
    expect(normaliseReceiptCode('abcd efgh jkmn pqrs')).toBe('ABCD-EFGH-JKMN-PQRS')
    expect(normaliseReceiptCode('ABCD-EFGH-JKMN-PQRS')).toBe('ABCD-EFGH-JKMN-PQRS')
    // 0, 1, I and O are not in the alphabet; too short or too long is refused.
    expect(normaliseReceiptCode('ABCD-EFGH-JKMN-PQR0')).toBeNull()
    expect(normaliseReceiptCode('ABCD-EFGH-JKMN')).toBeNull()
    expect(normaliseReceiptCode('ABCD-EFGH-JKMN-PQRS-T')).toBeNull()
  })

  it('formats countdowns and Shanghai times', () => {
    expect(clock(1799)).toBe('29:59')
    expect(clock(5)).toBe('0:05')
    expect(clock(3661)).toBe('1:01:01')
    expect(clock(-3)).toBe('0:00')
    expect(shanghaiMinute('2026-11-23T07:44:12.000+08:00')).toBe('2026-11-23 07:44')
  })
})
