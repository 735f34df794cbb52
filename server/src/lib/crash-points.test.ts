import process from 'node:process'
import { describe, expect, it, vi } from 'vitest'
import { parseEnv } from '../env'
import { crashPoint } from './crash-points'

/** The parser's complaint ('' when the environment is accepted). */
function refusal(source: Record<string, string>): string {
  try {
    parseEnv(source)
    return ''
  }
  catch (error) {
    return (error as Error).message
  }
}

const EXTERNAL = {
  SANDBOX: 'external',
  NHSA_BASE_URL: 'http://127.0.0.1:8788',
  SMS_BASE_URL: 'http://127.0.0.1:8788',
  WECHAT_AUTHORIZE_BASE_URL: 'http://127.0.0.1:8788',
  WECHAT_API_BASE_URL: 'http://127.0.0.1:8788',
}

describe('CRASH_AT', () => {
  it('takes a named crash point in sandbox modes', () => {
    expect(parseEnv({ CRASH_AT: 'payment.before_store' }).CRASH_AT).toBe('payment.before_store')
    expect(parseEnv({ ...EXTERNAL, CRASH_AT: 'refund.sent' }).CRASH_AT).toBe('refund.sent')
    expect(parseEnv({}).CRASH_AT).toBeUndefined()
    expect(refusal({ CRASH_AT: 'payment.somewhere' })).toMatch(/CRASH_AT/)
  })

  it('is refused with SANDBOX=off and in production, saying why', () => {
    expect(refusal({ SANDBOX: 'off', CRASH_AT: 'order.inserted' }))
      .toMatch(/CRASH_AT: .*crash tests only: unset it with SANDBOX=off/)
    const production = { NODE_ENV: 'production', PII_HASH_KEY: 'k'.repeat(40), PUBLIC_ORIGIN: 'https://yb.example.cn' }
    expect(refusal({ ...production, CRASH_AT: 'order.inserted' }))
      .toMatch(/CRASH_AT: .*unset it with NODE_ENV=production/)
    expect(refusal(production)).not.toMatch(/CRASH_AT/)
  })

  it('does nothing at any other step, or when unset', () => {
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true)
    try {
      crashPoint({ env: { CRASH_AT: 'refund.sent' } }, 'refund.approved')
      crashPoint({ env: { CRASH_AT: undefined } }, 'refund.approved')
      expect(kill).not.toHaveBeenCalled()
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
      crashPoint({ env: { CRASH_AT: 'refund.approved' } }, 'refund.approved')
      stderr.mockRestore()
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL')
    }
    finally {
      kill.mockRestore()
    }
  })
})
