import type { ThreeElementsReply } from '../upstream/carrier/schemas'
import { createHash } from 'node:crypto'
import { delay, http, HttpResponse } from 'msw'
import { ThreeElementsReplyWire } from '../upstream/carrier/schemas'
import { rpcSignature } from '../upstream/carrier/sign'

/** Where the test apps' carrier check goes (`CARRIER_BASE_URL` of `createTestApp`). */
export const CARRIER_TEST_URL = 'http://dytns.test/'
const TEST_SECRET = 'sandbox-carrier-secret'

/** What the fake carrier answers for a phone; every other phone matches. */
export type CarrierTestVerdict = 'mismatch' | 'unregistered' | 'throttled' | 'timeout' | 'error'

/** Per-phone answers of this test file (tests set them; cleared with `carrierVerdicts.clear()`). */
export const carrierVerdicts = new Map<string, CarrierTestVerdict>()

/** Checks the fake carrier received, newest last: the hashed phone and what it answered. */
export const carrierChecks: { inputNumber: string, answered: string }[] = []

const sha256 = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex')

function reply(body: ThreeElementsReply, status = 200) {
  return HttpResponse.json(ThreeElementsReplyWire.parse(body), { status })
}

export const carrierHandlers = [
  http.post(CARRIER_TEST_URL, async ({ request }) => {
    const params = Object.fromEntries(new URLSearchParams(await request.text()))
    const { Signature, ...signed } = params
    if (!Signature || rpcSignature('POST', signed, TEST_SECRET) !== Signature)
      return reply({ Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched.' }, 400)
    const { InputNumber: inputNumber, CertCode: cert, Name: name } = params
    if (params.Action !== 'ThreeElementsVerification' || params.Mask !== 'SHA256' || !inputNumber || !cert || !name)
      return reply({ Code: 'isv.InvalidParameter', Message: '参数不合法' })
    const phone = [...carrierVerdicts.keys()].find(p => sha256(p) === inputNumber)
    const verdict = phone ? carrierVerdicts.get(phone)! : 'match'
    carrierChecks.push({ inputNumber, answered: verdict })
    switch (verdict) {
      case 'error': return new HttpResponse('500 Internal Server Error', { status: 500 })
      case 'timeout':
        await delay('infinite')
        return new HttpResponse(null, { status: 504 })
      case 'throttled': return reply({ Code: 'RequestFrequencyLimit', Message: '请求频率超限' })
      default: {
        const IsConsistent = verdict === 'match' ? 1 : verdict === 'mismatch' ? 0 : 2
        const Data = { IsConsistent, BasicCarrier: '中国移动' }
        return reply({ Code: 'OK', Message: 'OK', RequestId: 'A1B2C3D4-0000-4000-8000-000000000001', Data })
      }
    }
  }),
]
