import type { SandboxEnv, SandboxState } from '../state'
import type { NhsaResponse, ResponseStamp } from './envelope'
import type { NhsaTransaction } from './registry'
import { Hono } from 'hono'
import { describeIssue, failureEnvelope, NHSA_CALL_SERVICE_PATH, NhsaRequestSchema, regionOf, successEnvelope } from './envelope'
import { NhsaFailure } from './registry'

/**
 * `POST /fsi/api/rsfComIfsService/callService`: validates the envelope, dispatches by infno and wraps
 * the result. Like the real platform it answers HTTP 200 for every business or format error.
 */
export function nhsaRoutes(state: SandboxState, registry: ReadonlyMap<string, NhsaTransaction>): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()

  app.post(NHSA_CALL_SERVICE_PATH, async (c) => {
    const received = state.now()
    let raw: unknown
    let failure: string | null = null
    let output: unknown = null
    let badShape: (() => unknown) | null = null

    try {
      raw = JSON.parse(await c.req.text())
    }
    catch {
      failure = '报文格式错误：请求体不是合法的JSON'
    }

    if (failure === null) {
      const parsed = NhsaRequestSchema.safeParse(raw)
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        failure = '报文格式错误：请求体必须是JSON对象'
      }
      else if (!parsed.success) {
        failure = `报文头校验失败：${describeIssue(parsed.error)}`
      }
      else {
        const envelope = parsed.data
        const tx = registry.get(envelope.infno)
        // psn_no sits in `data` (5301, 2552…) or in a named node (2551 `outappy`).
        const hasPsnNo = Object.values(envelope.input).some(node => typeof node === 'object' && node !== null && 'psn_no' in node)
        if (!tx) {
          failure = '交易编号不存在'
        }
        else if (hasPsnNo && !envelope.insuplc_admdvs) {
          // The platform routes person-bound calls by the 参保地 taken from 1101.
          failure = '参保地医保区划[insuplc_admdvs]不能为空'
        }
        else {
          try {
            const result = await tx.execute(envelope.input, { envelope, state, now: received })
            output = result.output
            badShape = result.badShape
          }
          catch (error) {
            if (!(error instanceof NhsaFailure)) throw error
            failure = error.message
          }
        }
      }
    }

    state.refmsgSerial++
    const stamp: ResponseStamp = { region: regionOf(raw), received, responded: state.now(), serial: state.refmsgSerial }
    const envelope: NhsaResponse = failure === null ? successEnvelope(stamp, output) : failureEnvelope(stamp, failure)
    if (c.get('faultPlan')?.badShape) {
      c.set('badShapeHandled', true)
      return c.json(failure === null && badShape ? { ...envelope, output: badShape() } : corruptFailure(envelope))
    }
    return c.json(envelope)
  })

  return app
}

/** Bad-shape failure envelope: infcode as a string and no err_msg. */
function corruptFailure(envelope: NhsaResponse): Record<string, unknown> {
  const { err_msg: _errMsg, ...rest } = envelope
  return { ...rest, infcode: String(envelope.infcode) }
}
