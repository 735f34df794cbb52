import type { Logger } from '../../lib/logger'
import { z } from 'zod'
import { UpstreamError } from '../../lib/errors'
import { callJson } from '../http'
import { tc3Headers } from './tc3'

/**
 * 人脸核身 adapter in the shape of Tencent Cloud 慧眼 (FaceId, API 3.0, version 2018-03-01), the H5 flow:
 * `DetectAuth` {RuleId, IdCard, Name, RedirectUrl} → {Url, BizToken}; the user is sent to Url, does the
 * liveness and comparison with the 公安 photo, and comes back to RedirectUrl; the result is then asked
 * server-side by BizToken with `GetDetectInfoEnhanced` (the return URL's parameters are never trusted).
 * Requests are signed with TC3-HMAC-SHA256. The sandbox (test/sandbox/src/faceid) speaks the same wire.
 */
export const FACEID_VERSION = '2018-03-01'

/** What a check came to: passed, 活体未通过, 比对不一致, not finished yet, or past its validity. */
export type FaceOutcome = 'passed' | 'failed' | 'not_same_person' | 'pending' | 'expired'

const ApiError = z.object({ Code: z.string(), Message: z.string().optional() })

const DetectAuthReplyWire = z.object({
  Response: z.union([
    z.object({ Url: z.string().url(), BizToken: z.string().min(1).max(128), RequestId: z.string().optional() }),
    z.object({ Error: ApiError, RequestId: z.string().optional() }),
  ]),
})

const DetectInfoReplyWire = z.object({
  Response: z.union([
    z.object({
      Text: z.object({
        /** null while the user has not finished; 0 success; 1xxx liveness; 2xxx comparison; 15 token expired. */
        ErrCode: z.number().int().nullable(),
        ErrMsg: z.string().nullable().optional(),
        LiveStatus: z.number().int().nullable().optional(),
        Comparestatus: z.number().int().nullable().optional(),
      }).passthrough(),
      RequestId: z.string().optional(),
    }),
    z.object({ Error: ApiError, RequestId: z.string().optional() }),
  ]),
})

/** Comparison codes meaning "not the person of this ID number" (比对不一致, 姓名与身份证号不符). */
const NOT_SAME_PERSON = new Set([2002, 2003, 2006, 2011, 2015, 2016])

/** Maps a finished check's ErrCode to our outcome (anything but 0 is never a pass). */
export function outcomeOf(errCode: number | null): FaceOutcome {
  if (errCode === null) return 'pending'
  if (errCode === 0) return 'passed'
  if (errCode === 15 || errCode === 19) return 'expired'
  if (NOT_SAME_PERSON.has(errCode)) return 'not_same_person'
  return 'failed'
}

/** Who to verify, and where the provider's page sends the browser back to. */
export interface FaceStart { name: string, certNo: string, redirectUrl: string }

/** A check's outcome and the provider's ErrCode (for the audit trail). */
export interface FaceResult { outcome: FaceOutcome, code: string | null }

export interface FaceIdClientOptions {
  baseUrl: string
  ruleId: string
  secretId: string
  secretKey: string
  timeoutMs: number
  logger: Logger
  now: () => Date
}

export function createFaceIdClient(opts: FaceIdClientOptions) {
  const url = new URL(opts.baseUrl)
  async function call(action: string, body: Record<string, unknown>, logger: Logger): Promise<unknown> {
    const payload = JSON.stringify(body)
    const { secretId, secretKey, timeoutMs } = opts
    const signed = { url, service: 'faceid', action, version: FACEID_VERSION, payload, secretId, secretKey }
    // callJson sends the same content-type that was signed.
    const { 'content-type': _sent, ...headers } = tc3Headers({ ...signed, at: opts.now() })
    return callJson({ system: 'faceid', url: url.toString(), operation: action, timeoutMs, logger, headers, body })
  }
  return {
    provider: 'tencent-faceid' as const,

    /** Starts a check for a person; the user's browser goes to `url` and comes back to `redirectUrl`. */
    async start(input: FaceStart, logger: Logger = opts.logger): Promise<{ bizToken: string, url: string }> {
      const body = { RuleId: opts.ruleId, IdCard: input.certNo, Name: input.name, RedirectUrl: input.redirectUrl }
      const raw = await call('DetectAuth', body, logger)
      const reply = DetectAuthReplyWire.safeParse(raw)
      if (!reply.success) throw new UpstreamError('faceid', 'bad_response', { cause: reply.error })
      const r = reply.data.Response
      if ('Error' in r)
        throw new UpstreamError('faceid', 'rejected', { upstreamCode: r.Error.Code, upstreamMessage: r.Error.Message })
      return { bizToken: r.BizToken, url: r.Url }
    },

    /** Asks the provider how a check ended (server-side, by BizToken). */
    async result(bizToken: string, logger: Logger = opts.logger): Promise<FaceResult> {
      const body = { BizToken: bizToken, RuleId: opts.ruleId, InfoType: '0' }
      const raw = await call('GetDetectInfoEnhanced', body, logger)
      const reply = DetectInfoReplyWire.safeParse(raw)
      if (!reply.success) throw new UpstreamError('faceid', 'bad_response', { cause: reply.error })
      const r = reply.data.Response
      if ('Error' in r) {
        if (r.Error.Code === 'InvalidParameterValue.BizTokenExpired') return { outcome: 'expired', code: r.Error.Code }
        throw new UpstreamError('faceid', 'rejected', { upstreamCode: r.Error.Code, upstreamMessage: r.Error.Message })
      }
      const code = r.Text.ErrCode
      return { outcome: outcomeOf(code), code: code === null ? null : String(code) }
    },
  }
}

export type FaceIdClient = ReturnType<typeof createFaceIdClient>
