import type { Logger } from '../../lib/logger'
import type { ThreeElementsRequestWire } from './schemas'
import { createHash, randomUUID } from 'node:crypto'
import { UpstreamError } from '../../lib/errors'
import { callRaw } from '../http'
import { DYTNS_ACTION, DYTNS_VERSION, ThreeElementsReplyWire } from './schemas'
import { percentEncode, rpcSignature, rpcTimestamp } from './sign'

/**
 * What the carrier said about name + ID number + phone: 一致 (`match`), 不一致 (`mismatch`), no real-name
 * record for the number (`unregistered`, 手机号未实名), or an answer that decides nothing (`unknown`).
 */
export type CarrierVerdict = 'match' | 'mismatch' | 'unregistered' | 'unknown'

export interface CarrierCheckResult {
  verdict: CarrierVerdict
  /** 中国移动 / 中国联通 / 中国电信 when the carrier said. */
  carrier?: string
  /** The aggregator's request id (for support; carries no personal data). */
  requestId?: string
}

export interface CarrierClientOptions {
  /** The RPC endpoint, e.g. `https://dytnsapi.aliyuncs.com/` (requests go to this exact URL). */
  baseUrl: string
  accessKeyId: string
  accessKeySecret: string
  authCode: string
  timeoutMs: number
  logger: Logger
  /** The app's clock (the signed Timestamp). */
  now: () => Date
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex')

/**
 * 运营商三要素核验 adapter: asks whether a name, an ID number and a phone number belong to one person in
 * the records of 中国移动 / 中国联通 / 中国电信, through the Alibaba Cloud 号码百科 aggregator
 * (`ThreeElementsVerification`, a signed RPC call; see `schemas.ts`). The three values are sent only
 * as SHA-256 hashes. The sandbox (test/sandbox/src/carrier) answers the same wire.
 *
 * Transport failures, 5xx, an unreadable reply and error codes throw `UpstreamError('carrier', …)`;
 * an answer that decides nothing (an unknown `IsConsistent`) is `unknown`.
 */
export function createCarrierClient(opts: CarrierClientOptions) {
  return {
    async verifyThreeElements(
      input: { name: string, certNo: string, phone: string },
      logger: Logger = opts.logger,
    ): Promise<CarrierCheckResult> {
      const business: ThreeElementsRequestWire = {
        AuthCode: opts.authCode,
        InputNumber: sha256(input.phone),
        Mask: 'SHA256',
        CertCode: sha256(input.certNo.toUpperCase()),
        Name: sha256(input.name),
      }
      const params: Record<string, string> = {
        ...business,
        AccessKeyId: opts.accessKeyId,
        Action: DYTNS_ACTION,
        Format: 'JSON',
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: randomUUID(),
        SignatureVersion: '1.0',
        Timestamp: rpcTimestamp(opts.now()),
        Version: DYTNS_VERSION,
      }
      params.Signature = rpcSignature('POST', params, opts.accessKeySecret)
      const body = Object.entries(params).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')
      const res = await callRaw({
        system: 'carrier',
        method: 'POST',
        url: opts.baseUrl,
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        timeoutMs: opts.timeoutMs,
        logger,
        operation: DYTNS_ACTION,
      })
      const excerpt = res.text.slice(0, 200)
      if (res.status >= 500)
        throw new UpstreamError('carrier', 'unavailable', { status: res.status, upstreamMessage: excerpt })
      let json: unknown
      try {
        json = JSON.parse(res.text)
      }
      catch (cause) {
        throw new UpstreamError('carrier', 'bad_response', { status: res.status, upstreamMessage: excerpt, cause })
      }
      const reply = ThreeElementsReplyWire.safeParse(json)
      if (!reply.success) throw new UpstreamError('carrier', 'bad_response', { status: res.status, cause: reply.error })
      const { Code, Message, RequestId, Data } = reply.data
      // Errors come as 4xx with a Code (signature, throttling, bad parameters) or as 200 without Data.
      if (res.status !== 200 || Code !== 'OK' || !Data)
        throw new UpstreamError('carrier', 'rejected', {
          status: res.status,
          upstreamCode: Code,
          upstreamMessage: Message,
        })
      const verdict: CarrierVerdict = Data.IsConsistent === 1
        ? 'match'
        : Data.IsConsistent === 0 ? 'mismatch' : Data.IsConsistent === 2 ? 'unregistered' : 'unknown'
      return {
        verdict,
        ...(Data.BasicCarrier && { carrier: Data.BasicCarrier }),
        ...(RequestId && { requestId: RequestId }),
      }
    },
  }
}

export type CarrierClient = ReturnType<typeof createCarrierClient>
