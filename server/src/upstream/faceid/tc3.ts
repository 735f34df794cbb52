import { createHash, createHmac } from 'node:crypto'

/**
 * Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256) for one JSON POST: the headers to send.
 * Signed headers: content-type, host, x-tc-action. `at`: the app's clock (the signature is valid 5 minutes).
 */
export function tc3Headers(opts: {
  url: URL
  service: string
  action: string
  version: string
  payload: string
  secretId: string
  secretKey: string
  at: Date
}): Record<string, string> {
  const timestamp = Math.floor(opts.at.getTime() / 1000)
  const date = opts.at.toISOString().slice(0, 10)
  const contentType = 'application/json; charset=utf-8'
  const host = opts.url.host
  const action = opts.action.toLowerCase()
  const signedHeaders = 'content-type;host;x-tc-action'
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
  const canonicalHeaders = `content-type:${contentType}\nhost:${host}\nx-tc-action:${action}\n`
  const path = opts.url.pathname || '/'
  const canonical = ['POST', path, '', canonicalHeaders, signedHeaders, sha256(opts.payload)].join('\n')
  const scope = `${date}/${opts.service}/tc3_request`
  const toSign = ['TC3-HMAC-SHA256', String(timestamp), scope, sha256(canonical)].join('\n')
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest()
  const signing = hmac(hmac(hmac(`TC3${opts.secretKey}`, date), opts.service), 'tc3_request')
  const signature = createHmac('sha256', signing).update(toSign).digest('hex')
  return {
    'authorization':
      `TC3-HMAC-SHA256 Credential=${opts.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    'content-type': contentType,
    'host': host,
    'x-tc-action': opts.action,
    'x-tc-timestamp': String(timestamp),
    'x-tc-version': opts.version,
  }
}
