import type { NhsaRequest } from './nhsa/envelope'
import { compactTime, wireDateTime } from './lib/wire-time'
import { NHSA_CALL_SERVICE_PATH } from './nhsa/envelope'

/**
 * Builds a well-formed request envelope the way a 定点机构 client would (used by the sandbox's own
 * tests and handy for smoke tests). The BFF must build its own envelopes; do not import this there.
 *
 * @example
 * buildNhsaRequest('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: certNo, psn_cert_type: '01', certno: certNo } })
 */
export function buildNhsaRequest(infno: string, input: Record<string, unknown>, overrides: Partial<NhsaRequest> = {}, at: Date = new Date('2026-06-15T10:00:00+08:00')): NhsaRequest {
  const fixmedinsCode = 'H37050200001'
  return {
    infno,
    msgid: `${fixmedinsCode}${compactTime(at)}0001`,
    mdtrtarea_admvs: '370502',
    insuplc_admdvs: '',
    recer_sys_code: 'YBXT',
    dev_no: '',
    dev_safe_info: '',
    cainfo: '',
    signtype: '',
    infver: 'V1.0',
    opter_type: '3',
    opter: 'yibao-bff',
    opter_name: '医保自助',
    inf_time: wireDateTime(at),
    fixmedins_code: fixmedinsCode,
    fixmedins_name: '医保自助服务平台',
    sign_no: '',
    input,
    ...overrides,
  }
}

/** Something with Hono's `request` method (the sandbox app). */
interface Requestable {
  request: (input: string, init?: RequestInit) => Response | Promise<Response>
}

/**
 * Posts an envelope (or any raw body) to the national-platform endpoint of an in-process sandbox.
 *
 * @example
 * const res = await postNhsa(app, buildNhsaRequest('1101', input), { headers: { 'X-Sandbox-Fault': 'bad-shape' } })
 */
export async function postNhsa(app: Requestable, body: unknown, init: RequestInit = {}): Promise<Response> {
  return app.request(NHSA_CALL_SERVICE_PATH, {
    method: 'POST',
    ...init,
    headers: { 'content-type': 'application/json;charset=utf-8', ...(init.headers as Record<string, string> | undefined) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}
