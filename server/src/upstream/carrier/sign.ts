import { createHmac } from 'node:crypto'

/**
 * Alibaba Cloud RPC-style API signature, version 1.0 (HMAC-SHA1), as every `*.aliyuncs.com` RPC API
 * (号码百科 dytnsapi among them) checks it: the parameters sorted by name, each name and value
 * percent-encoded per RFC 3986, joined as `k=v&…`; StringToSign = `METHOD&%2F&` + encode(that);
 * Signature = base64(HMAC-SHA1(AccessKeySecret + '&', StringToSign)).
 *
 * Written here rather than taken from `@alicloud/pop-core`, which brings its own HTTP client: the
 * adapter must go through `upstream/http.ts` (deadline, keep-alive pool, logging, MSW in tests).
 *
 * @see https://help.aliyun.com/zh/sdk/product-overview/rpc-mechanism
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, ch => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The canonicalized query string of a parameter set (without `Signature`). */
export function canonicalize(params: Record<string, string>): string {
  return Object.keys(params)
    .filter(k => k !== 'Signature')
    .sort()
    .map(k => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join('&')
}

/** Signature of `params` for `method` (the request path is always `/` in RPC style). */
export function rpcSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const toSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalize(params))}`
  return createHmac('sha1', `${accessKeySecret}&`).update(toSign).digest('base64')
}

/** Alibaba Cloud's timestamp format: ISO 8601 in UTC without milliseconds, e.g. `2026-11-15T02:00:00Z`. */
export function rpcTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`
}
