import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../../lib/errors'
import { createLogger } from '../../lib/logger'
import { completeFaceCheck, FACEID_TEST_URL, faceSim } from '../../testing/faceid-handlers'
import '../../testing/msw'
import { createFaceIdClient, outcomeOf } from './client'

// The adapter against the sandbox's own simulator (TC3 signature checked), through MSW at the network edge.
const logger = createLogger('silent')
function client(overrides: { secretKey?: string, now?: () => Date } = {}) {
  return createFaceIdClient({
    baseUrl: FACEID_TEST_URL,
    ruleId: '1',
    secretId: 'AKIDsandboxfaceid',
    secretKey: overrides.secretKey ?? 'sandbox-faceid-secret-key',
    timeoutMs: 2000,
    logger,
    now: overrides.now ?? (() => new Date('2026-11-15T02:00:00Z')),
  })
}
const redirectUrl = 'https://app.example/api/v1/face-checks/x/return'
const person = { name: '王桂兰', certNo: '370502196806152021', redirectUrl }

describe('face-check adapter (Tencent 慧眼 H5 shape)', () => {
  it('starts a check (BizToken and the provider page) and reads every outcome by BizToken', async () => {
    const faceid = client()
    const cases = [
      ['pass', 'passed'],
      ['live_fail', 'failed'],
      ['not_same', 'not_same_person'],
      ['timeout', 'pending'],
    ] as const
    for (const [sim, outcome] of cases) {
      const started = await faceid.start(person)
      expect(started.url).toBe(`http://nhsa.test/__sandbox/faceid/h5?token=${started.bizToken}`)
      expect(faceSim.state.checks.get(started.bizToken)).toMatchObject({ certNo: person.certNo, redirectUrl })
      expect(await faceid.result(started.bizToken)).toEqual({ outcome: 'pending', code: null })
      await completeFaceCheck(started.url, sim)
      expect((await faceid.result(started.bizToken)).outcome).toBe(outcome)
    }
  })

  it('a BizToken past its validity is expired; an unknown one is refused', async () => {
    const faceid = client()
    const started = await faceid.start(person)
    faceSim.state.checks.get(started.bizToken)!.createdAt = new Date(Date.now() - faceSim.state.tokenTtlMs - 1000)
    const expired = { outcome: 'expired', code: 'InvalidParameterValue.BizTokenExpired' }
    expect(await faceid.result(started.bizToken)).toEqual(expired)
    const illegal = { kind: 'rejected', detail: { upstreamCode: 'InvalidParameterValue.BizTokenIllegal' } }
    await expect(faceid.result('NO-SUCH-TOKEN')).rejects.toMatchObject(illegal)
  })

  it('requests are signed: the provider refuses a wrong secret key', async () => {
    const error = await client({ secretKey: 'not-the-key' }).start(person).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamError)
    expect(error).toMatchObject({ kind: 'rejected', detail: { upstreamCode: 'AuthFailure.SignatureFailure' } })
  })

  it('maps the provider\'s codes: only 0 is a pass', () => {
    expect(outcomeOf(null)).toBe('pending')
    expect(outcomeOf(0)).toBe('passed')
    for (const code of [1001, 1004, 1005, 1007, 2004, 4, 16]) expect(outcomeOf(code)).toBe('failed')
    for (const code of [2006, 2011, 2015, 2016]) expect(outcomeOf(code)).toBe('not_same_person')
    expect(outcomeOf(15)).toBe('expired')
  })
})
