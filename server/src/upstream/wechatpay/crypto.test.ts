import { generateKeyPairSync, X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  buildAuthorization,
  createNonce,
  decryptResource,
  encryptResource,
  headerValue,
  jsapiPayParams,
  openNotification,
  parseAuthorization,
  publicKeyMap,
  requestMessage,
  rsaSign,
  rsaVerify,
  sealNotification,
  signedHeaders,
  SIGNTEST_PREFIX,
  toPrivateKey,
  toPublicKey,
  unixSeconds,
  verifySignedMessage,
  wechatTime,
} from './crypto'
import vectors from './fixtures/vectors.json' with { type: 'json' }

const official = vectors.officialSample
const go = vectors.wechatpayGo
const notify = go.notify

/** V5 as received: headers, raw body, the platform certificate under its serial, the fake clock. */
const v5Keys = publicKeyMap({ [notify.headers['Wechatpay-Serial']]: notify.platformCertificate })
const v5Now = new Date(notify.now * 1000)

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys)
  if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map(k => [k, sortKeys((x as Record<string, unknown>)[k])]))
  return x
}

describe('V1/V2 JSAPI paySign (official sample key)', () => {
  const p = official.jsapiPaySign

  it('V1: signs appId\\ntimeStamp\\nnonceStr\\nprepay_id=…\\n to the published value', () => {
    const params = jsapiPayParams({ appId: p.appId, prepayId: p.package.replace('prepay_id=', ''), privateKey: official.privateKeyPkcs8, timeStamp: p.timeStamp, nonceStr: p.nonceStr })
    expect(params).toEqual({ appId: p.appId, timeStamp: p.timeStamp, nonceStr: p.nonceStr, package: p.package, signType: 'RSA', paySign: p.expected })
  })

  it('V2: the APP variant (bare prepay_id) is a different signature, which JSAPI must never produce', () => {
    expect(rsaSign(official.appSign.message, official.privateKeyPkcs8)).toBe(official.appSign.expected)
    expect(official.appSign.expected).not.toBe(p.expected)
    const params = jsapiPayParams({ appId: p.appId, prepayId: 'wx201410272009395522657a690389285100', privateKey: official.privateKeyPkcs8, timeStamp: p.timeStamp, nonceStr: p.nonceStr })
    expect(params.paySign).not.toBe(official.appSign.expected)
  })
})

describe('V3/V4 request signatures', () => {
  const q = official.jsapiRequestSignature

  it('V3: POST /v3/pay/transactions/jsapi with the official body → published signature', () => {
    const auth = buildAuthorization({ mchid: '1900007291', serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB', privateKey: official.privateKeyPkcs8, method: q.method, pathWithQuery: q.url, body: q.body, timestamp: Number(q.timestamp), nonce: q.nonce })
    expect(auth.signature).toBe(q.expected)
    expect(auth.authorization).toBe(`WECHATPAY2-SHA256-RSA2048 mchid="1900007291",nonce_str="${q.nonce}",signature="${q.expected}",timestamp="${q.timestamp}",serial_no="408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB"`)
  })

  it('V4: GET with an empty body keeps the empty 5th line', () => {
    const message = requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242')
    expect(message).toBe(official.derivedGetCertificates.message)
    expect(message.endsWith('\n\n')).toBe(true)
    expect(buildAuthorization({ mchid: '1900007291', serialNo: 'S', privateKey: official.privateKeyPkcs8, method: 'get', pathWithQuery: '/v3/certificates', timestamp: 1554208460, nonce: '593BEC0C930BF1AFEB40B4A08C8FB242' }).signature).toBe(official.derivedGetCertificates.expected)
  })

  it('a message without the trailing newline (a classic SIGN_ERROR) gives another signature', () => {
    expect(rsaSign(official.derivedGetCertificates.message.slice(0, -1), official.privateKeyPkcs8)).not.toBe(official.derivedGetCertificates.expected)
  })
})

describe('parseAuthorization', () => {
  const header = 'WECHATPAY2-SHA256-RSA2048 mchid="1900007291",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="jnks4dlr==",timestamp="1554208460",serial_no="408B07E7"'
  const fields = { mchid: '1900007291', nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242', signature: 'jnks4dlr==', timestamp: '1554208460', serial_no: '408B07E7' }

  it('reads the official order and the axios-plugin order alike', () => {
    expect(parseAuthorization(header)).toEqual(fields)
    expect(parseAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="1900007291", serial_no="408B07E7", timestamp="1554208460", nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242", signature="jnks4dlr=="')).toEqual(fields)
  })

  it.each([
    ['another scheme', header.replace('RSA2048', 'RSA1024')],
    ['a missing field', header.replace(',serial_no="408B07E7"', '')],
    ['a repeated field', `${header},mchid="1"`],
    ['an unquoted value', header.replace('mchid="1900007291"', 'mchid=1900007291')],
    ['nothing', undefined],
  ])('rejects %s', (_label, value) => {
    expect(parseAuthorization(value)).toBeNull()
  })
})

describe('V5 callback verification over the RAW body (wechatpay-go notify_test)', () => {
  it('verifies the raw body with the certificate named by Wechatpay-Serial', () => {
    expect(new X509Certificate(notify.platformCertificate).serialNumber).toBe(notify.headers['Wechatpay-Serial'])
    expect(verifySignedMessage({ headers: notify.headers, body: notify.body, publicKeys: v5Keys, now: v5Now })).toEqual({ ok: true, serial: 'D7CE59D1F522D701', timestamp: 1624523846 })
  })

  it('FAILS on the same JSON re-serialized with sorted keys', () => {
    const resorted = JSON.stringify(sortKeys(JSON.parse(notify.body)))
    expect(JSON.parse(resorted)).toEqual(JSON.parse(notify.body))
    expect(verifySignedMessage({ headers: notify.headers, body: resorted, publicKeys: v5Keys, now: v5Now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('FAILS on the same JSON with \\uXXXX-escaped non-ASCII (PHP json_encode)', () => {
    const escaped = JSON.stringify(JSON.parse(notify.body)).replace(/[\u0080-\uFFFF]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    expect(escaped).toContain('\\u7b7e')
    expect(verifySignedMessage({ headers: notify.headers, body: escaped, publicKeys: v5Keys, now: v5Now })).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('accepts a skew of exactly 300 s either way and rejects 301 s', () => {
    for (const delta of [-300, 300]) expect(verifySignedMessage({ headers: notify.headers, body: notify.body, publicKeys: v5Keys, now: new Date((notify.now + delta) * 1000) }).ok).toBe(true)
    for (const delta of [-301, 301]) expect(verifySignedMessage({ headers: notify.headers, body: notify.body, publicKeys: v5Keys, now: new Date((notify.now + delta) * 1000) })).toEqual({ ok: false, reason: 'stale_timestamp' })
  })

  it('rejects an unknown serial, a SIGNTEST probe, a missing header, and a millisecond timestamp', () => {
    const check = (headers: Record<string, string>) => verifySignedMessage({ headers, body: notify.body, publicKeys: v5Keys, now: v5Now })
    expect(check({ ...notify.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_0114232134912410000000000000SOME' })).toEqual({ ok: false, reason: 'unknown_serial' })
    expect(check({ ...notify.headers, 'Wechatpay-Signature': `WECHATPAY/SIGNTEST/${notify.headers['Wechatpay-Signature']}` })).toEqual({ ok: false, reason: 'signtest_probe' })
    const { 'Wechatpay-Nonce': _nonce, ...noNonce } = notify.headers
    expect(check(noNonce)).toEqual({ ok: false, reason: 'missing_header' })
    expect(check({ ...notify.headers, 'Wechatpay-Timestamp': `${notify.headers['Wechatpay-Timestamp']}000` })).toEqual({ ok: false, reason: 'stale_timestamp' })
  })

  it('reads lower-case and WHATWG Headers alike', () => {
    const lower = Object.fromEntries(Object.entries(notify.headers).map(([k, v]) => [k.toLowerCase(), v]))
    expect(verifySignedMessage({ headers: lower, body: notify.body, publicKeys: v5Keys, now: v5Now }).ok).toBe(true)
    expect(verifySignedMessage({ headers: new Headers(notify.headers), body: Buffer.from(notify.body), publicKeys: v5Keys, now: v5Now }).ok).toBe(true)
  })

  it('V5/V5b: decrypts the resource (16-byte key → AES-128-GCM, as Go does) and the whole pipeline opens it', () => {
    const resource = (JSON.parse(notify.body) as { resource: { ciphertext: string, nonce: string, associated_data: string } }).resource
    expect(decryptResource(notify.apiV3Key, resource)).toBe(notify.plaintext)
    const opened = openNotification({ headers: notify.headers, rawBody: notify.body, publicKeys: v5Keys, apiV3Key: notify.apiV3Key, now: v5Now })
    expect(opened.ok && opened.value.plaintext).toBe(notify.plaintext)
    expect(opened.ok && opened.value.envelope.event_type).toBe('PAYSCORE.USER_OPEN_SERVICE')
  })

  it('openNotification never decrypts an unverified body', () => {
    const resorted = JSON.stringify(sortKeys(JSON.parse(notify.body)))
    expect(openNotification({ headers: notify.headers, rawBody: resorted, publicKeys: v5Keys, apiV3Key: notify.apiV3Key, now: v5Now })).toEqual({ ok: false, reason: 'bad_signature' })
  })
})

describe('V6 wechatpay-go signer', () => {
  it('signs "source" to the published value, with the key pair of the V5 certificate', () => {
    expect(rsaSign(go.signSource.message, go.privateKeyPkcs8)).toBe(go.signSource.expected)
    expect(rsaVerify(go.signSource.message, go.signSource.expected, notify.platformCertificate)).toBe(true)
  })
})

describe('V7 AES-256-GCM known answer (wechatpay-java)', () => {
  const j = vectors.wechatpayJavaAes256

  it('decrypts to the platform certificate with the expected serial', () => {
    const pem = decryptResource(j.apiV3Key, { ciphertext: j.ciphertext, nonce: j.nonce, associated_data: j.associatedData })
    expect(pem.startsWith(j.expectPlaintextStartsWith)).toBe(true)
    expect(new X509Certificate(pem).serialNumber).toBe(j.expectCertSerial)
  })

  it('fails on a wrong AAD, a flipped ciphertext bit, and a key that is not 16/24/32 bytes', () => {
    expect(() => decryptResource(j.apiV3Key, { ciphertext: j.ciphertext, nonce: j.nonce, associated_data: 'transaction' })).toThrow()
    const bytes = Buffer.from(j.ciphertext, 'base64')
    bytes[5]! ^= 1
    expect(() => decryptResource(j.apiV3Key, { ciphertext: bytes.toString('base64'), nonce: j.nonce, associated_data: j.associatedData })).toThrow()
    expect(() => decryptResource('short-key', { ciphertext: j.ciphertext, nonce: j.nonce, associated_data: j.associatedData })).toThrow(/32 bytes/)
  })

  it('round-trips with an empty AAD (documented examples use "")', () => {
    const sealed = encryptResource(j.apiV3Key, '{"a":"支付成功"}', '')
    expect(sealed.nonce).toMatch(/^[0-9A-Za-z]{12}$/)
    expect(decryptResource(j.apiV3Key, sealed)).toBe('{"a":"支付成功"}')
    expect(decryptResource(j.apiV3Key, { ...sealed, associated_data: undefined })).toBe('{"a":"支付成功"}')
  })
})

describe('V8 real Native prepay answer', () => {
  const n = vectors.realNativeResponse

  it('verifies against the merchant\'s WeChat Pay public key in public-key mode', () => {
    const keys = publicKeyMap({ PUB_KEY_ID_V8: n.publicKey })
    const headers = { ...n.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_V8' }
    expect(verifySignedMessage({ headers, body: n.body, publicKeys: keys, now: new Date(1722850421_000) }).ok).toBe(true)
    expect(verifySignedMessage({ headers, body: n.body.replace('JyC91EIz1', 'JyC91EIz2'), publicKeys: keys, now: new Date(1722850421_000) })).toEqual({ ok: false, reason: 'bad_signature' })
  })
})

describe('sealNotification / signedHeaders (our own output)', () => {
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const apiV3Key = 'abcdefghijklmnopqrstuvwxyz012345'
  const now = new Date('2026-06-15T10:00:00+08:00')

  it('produces a callback that openNotification verifies and decrypts', () => {
    const sealed = sealNotification({ platformPrivateKey: platform.privateKey, platformKeyId: 'PUB_KEY_ID_T', apiV3Key, eventType: 'TRANSACTION.SUCCESS', summary: '支付成功', originalType: 'transaction', payload: { out_trade_no: 'A1' }, now })
    expect(sealed.headers['Wechatpay-Signature-Type']).toBe('WECHATPAY2-SHA256-RSA2048')
    expect(JSON.parse(sealed.body)).toMatchObject({ create_time: '2026-06-15T10:00:00+08:00', event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', resource: { algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction', original_type: 'transaction' } })
    const opened = openNotification({ headers: sealed.headers, rawBody: sealed.body, publicKeys: publicKeyMap({ PUB_KEY_ID_T: platform.publicKey }), apiV3Key, now })
    expect(opened.ok && opened.value.plaintext).toBe('{"out_trade_no":"A1"}')
    expect(openNotification({ headers: sealed.headers, rawBody: sealed.body, publicKeys: publicKeyMap({ PUB_KEY_ID_T: platform.publicKey }), apiV3Key: 'zbcdefghijklmnopqrstuvwxyz012345', now })).toEqual({ ok: false, reason: 'decrypt_failed' })
  })

  it('signs a 204 over an empty body', () => {
    const headers = signedHeaders({ body: '', privateKey: platform.privateKey, keyId: 'K', now })
    expect(verifySignedMessage({ headers, body: '', publicKeys: publicKeyMap({ K: platform.publicKey }), now }).ok).toBe(true)
    expect(wechatTime(now)).toBe('2026-06-15T10:00:00+08:00')
  })
})

describe('helpers at their edges', () => {
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const now = new Date('2026-06-15T10:00:00+08:00')
  const keys = publicKeyMap({ K: platform.publicKey })

  it('nonces are [0-9A-Za-z], 32 characters unless asked otherwise, and never repeat', () => {
    const nonces = Array.from({ length: 50 }, () => createNonce())
    for (const n of nonces) expect(n).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(new Set(nonces).size).toBe(50)
    expect(createNonce(12)).toMatch(/^[0-9A-Za-z]{12}$/)
    // Every byte value maps into the alphabet (b % 62), so all 62 characters turn up.
    expect(new Set(Array.from({ length: 40 }, () => createNonce(64)).join('')).size).toBe(62)
  })

  it('unix seconds are whole seconds, rounded down', () => {
    expect(unixSeconds(new Date(1_781_488_800_999))).toBe(1_781_488_800)
  })

  it('public keys come from a private KeyObject, a public one, an SPKI PEM or a certificate', () => {
    const fromPrivate = toPublicKey(platform.privateKey)
    expect(fromPrivate.type).toBe('public')
    expect(fromPrivate.equals(platform.publicKey)).toBe(true)
    expect(toPublicKey(platform.publicKey)).toBe(platform.publicKey)
    expect(
      toPublicKey(platform.publicKey.export({ type: 'spki', format: 'pem' }) as string).equals(platform.publicKey),
    ).toBe(true)
    expect(toPublicKey(notify.platformCertificate).equals(toPublicKey(go.privateKeyPkcs8))).toBe(true)
    expect(toPrivateKey(platform.privateKey)).toBe(platform.privateKey)
  })

  it('rsaVerify answers false for garbage instead of throwing', () => {
    expect(rsaVerify('m', 'not base64 at all', platform.publicKey)).toBe(false)
    expect(rsaVerify('m', rsaSign('m', platform.privateKey), 'not a key')).toBe(false)
    expect(rsaVerify(Buffer.from('m'), rsaSign(Buffer.from('m'), platform.privateKey), platform.publicKey)).toBe(true)
  })

  it('buildAuthorization defaults to the current second and a fresh 32-character nonce', () => {
    const before = unixSeconds(new Date())
    const auth = buildAuthorization({
      mchid: '1',
      serialNo: 'S',
      privateKey: platform.privateKey,
      method: 'GET',
      pathWithQuery: '/v3/x',
    })
    expect(Number(auth.timestamp)).toBeGreaterThanOrEqual(before)
    expect(Number(auth.timestamp)).toBeLessThanOrEqual(before + 5)
    expect(auth.nonce_str).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(
      rsaVerify(requestMessage('GET', '/v3/x', auth.timestamp, auth.nonce_str), auth.signature, platform.publicKey),
    ).toBe(true)
    expect(parseAuthorization(auth.authorization)).toEqual({
      mchid: '1',
      nonce_str: auth.nonce_str,
      signature: auth.signature,
      timestamp: auth.timestamp,
      serial_no: 'S',
    })
  })

  it.each([
    [
      'the scheme glued to the fields',
      'WECHATPAY2-SHA256-RSA2048mchid="1",nonce_str="n",signature="s",timestamp="1",serial_no="S"',
    ],
    [
      'text before the scheme',
      'x WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",signature="s",timestamp="1",serial_no="S"',
    ],
    ['an empty value', 'WECHATPAY2-SHA256-RSA2048 mchid="",nonce_str="n",signature="s",timestamp="1",serial_no="S"'],
    [
      'junk around a field',
      'WECHATPAY2-SHA256-RSA2048 mchid="1"x,nonce_str="n",signature="s",timestamp="1",serial_no="S"',
    ],
    [
      'junk before a field',
      'WECHATPAY2-SHA256-RSA2048 xmchid="1",nonce_str="n",signature="s",timestamp="1",serial_no="S"',
    ],
    [
      'a sign before a field',
      'WECHATPAY2-SHA256-RSA2048 -mchid="1",nonce_str="n",signature="s",timestamp="1",serial_no="S"',
    ],
    [
      'an upper-case field name',
      'WECHATPAY2-SHA256-RSA2048 MCHID="1",nonce_str="n",signature="s",timestamp="1",serial_no="S"',
    ],
    ['an empty header', ''],
    ['null', null],
  ])('parseAuthorization rejects %s', (_label, value) => {
    expect(parseAuthorization(value)).toBeNull()
  })

  it('parseAuthorization keeps spaces around fields out of the values', () => {
    expect(
      parseAuthorization(
        'WECHATPAY2-SHA256-RSA2048  mchid="1" , nonce_str="n",signature="s=",timestamp="1",serial_no="S" ',
      ),
    ).toEqual({ mchid: '1', nonce_str: 'n', signature: 's=', timestamp: '1', serial_no: 'S' })
  })

  it('headerValue: any case, the first of a repeated header, undefined when absent', () => {
    expect(headerValue({ 'X-A': ['1', '2'] }, 'x-a')).toBe('1')
    expect(headerValue({ 'x-b': undefined, 'X-A': '3' }, 'X-A')).toBe('3')
    expect(headerValue({ 'X-A': '3' }, 'X-B')).toBeUndefined()
    expect(headerValue(new Headers({ 'X-A': '4' }), 'x-a')).toBe('4')
    expect(headerValue(new Headers(), 'x-a')).toBeUndefined()
  })

  it('verifySignedMessage: each Wechatpay-* header is required, and checks run in the documented order', () => {
    const headers = signedHeaders({ body: '{}', privateKey: platform.privateKey, keyId: 'K', now, nonce: 'N0' })
    expect(headers['Wechatpay-Nonce']).toBe('N0')
    const check = (h: Record<string, string>, at = now, maxSkewSeconds?: number) =>
      verifySignedMessage({ headers: h, body: '{}', publicKeys: keys, now: at, maxSkewSeconds })
    expect(check(headers)).toEqual({ ok: true, serial: 'K', timestamp: unixSeconds(now) })
    for (const name of ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Serial', 'Wechatpay-Signature']) {
      const { [name]: _gone, ...rest } = headers
      expect(check(rest)).toEqual({ ok: false, reason: 'missing_header' })
      expect(check({ ...headers, [name]: '' })).toEqual({ ok: false, reason: 'missing_header' })
    }
    const late = new Date(now.getTime() + 3600_000)
    expect(
      check({ ...headers, 'Wechatpay-Signature': `${SIGNTEST_PREFIX}x`, 'Wechatpay-Serial': 'UNKNOWN' }, late),
    ).toEqual({ ok: false, reason: 'signtest_probe' })
    expect(check({ ...headers, 'Wechatpay-Serial': 'UNKNOWN' }, late)).toEqual({ ok: false, reason: 'stale_timestamp' })
    expect(check({ ...headers, 'Wechatpay-Serial': 'UNKNOWN', 'Wechatpay-Signature': 'AAAA' })).toEqual({
      ok: false,
      reason: 'unknown_serial',
    })
    for (const ts of [`${headers['Wechatpay-Timestamp']}x`, `x${headers['Wechatpay-Timestamp']}`, '1e9', '-1'])
      expect(check({ ...headers, 'Wechatpay-Timestamp': ts })).toEqual({ ok: false, reason: 'stale_timestamp' })
    // Still digits, but not the text that was signed.
    expect(check({ ...headers, 'Wechatpay-Timestamp': `0${headers['Wechatpay-Timestamp']}` }).ok).toBe(false)
    // A tighter skew for callers that want it.
    expect(check(headers, new Date(now.getTime() + 11_000), 10)).toEqual({ ok: false, reason: 'stale_timestamp' })
    expect(check(headers, new Date(now.getTime() + 10_000), 10).ok).toBe(true)
  })

  it('AES-GCM follows the key length (16/24/32 bytes) and takes the key as text or bytes', () => {
    for (const key of ['k'.repeat(16), 'k'.repeat(24), 'k'.repeat(32)]) {
      const sealed = encryptResource(key, '{"x":1}', 'refund')
      expect(decryptResource(Buffer.from(key), sealed)).toBe('{"x":1}')
      expect(() => decryptResource(`${key.slice(1)}z`, sealed)).toThrow()
    }
    const sealed = encryptResource(Buffer.from('k'.repeat(24)), 'x', '', 'fixednonce12')
    expect(sealed).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: '', nonce: 'fixednonce12' })
    expect(Buffer.from(sealed.ciphertext, 'base64')).toHaveLength(17) // 1 byte + the 16-byte tag: still long enough
    expect(decryptResource('k'.repeat(24), sealed)).toBe('x')
    expect(() =>
      decryptResource('k'.repeat(24), { ...sealed, ciphertext: Buffer.alloc(16).toString('base64') }),
    ).toThrow(new Error('ciphertext too short'))
    expect(() => encryptResource('k'.repeat(31), 'x', '')).toThrow(new Error('APIv3 key must be 32 bytes, got 31'))
  })

  it('jsapiPayParams defaults to the current second and a fresh nonce', () => {
    const p = jsapiPayParams({ appId: 'wx1', prepayId: 'wx2', privateKey: platform.privateKey })
    expect(p.nonceStr).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(Math.abs(Number(p.timeStamp) - unixSeconds(new Date()))).toBeLessThanOrEqual(5)
    expect(rsaVerify(`wx1\n${p.timeStamp}\n${p.nonceStr}\nprepay_id=wx2\n`, p.paySign, platform.publicKey)).toBe(true)
  })
})

describe('the APIv3 key as text is its UTF-8 bytes', () => {
  it('a 32-byte key of 16 two-byte characters is an AES-256 key, the same as its bytes', () => {
    const text = 'é'.repeat(16)
    const sealed = encryptResource(text, '{"x":1}', 'transaction')
    expect(decryptResource(Buffer.from(text, 'utf8'), sealed)).toBe('{"x":1}')
    expect(decryptResource(text, encryptResource(Buffer.from(text, 'utf8'), 'y', ''))).toBe('y')
  })
})

describe('openNotification refuses a verified body that is not an encrypted envelope', () => {
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const apiV3Key = 'abcdefghijklmnopqrstuvwxyz012345'
  const now = new Date('2026-06-15T10:00:00+08:00')
  const resource = encryptResource(apiV3Key, '{"a":1}', 'transaction')
  const open = (envelope: unknown, maxSkewSeconds?: number, at = now) => {
    const body = typeof envelope === 'string' ? envelope : JSON.stringify(envelope)
    const headers = signedHeaders({ body, privateKey: platform.privateKey, keyId: 'K', now })
    return openNotification({
      headers,
      rawBody: Buffer.from(body),
      publicKeys: publicKeyMap({ K: platform.publicKey }),
      apiV3Key,
      now: at,
      maxSkewSeconds,
    })
  }
  const good = { id: 'N1', event_type: 'TRANSACTION.SUCCESS', resource }

  it('opens a good one (raw body as bytes) and passes the skew limit on', () => {
    expect(open(good)).toMatchObject({ ok: true, value: { plaintext: '{"a":1}', serial: 'K', envelope: { id: 'N1' } } })
    expect(open({ ...good, resource: { ...resource, associated_data: undefined } })).toEqual({
      ok: false,
      reason: 'decrypt_failed',
    })
    expect(open(good, 10, new Date(now.getTime() + 11_000))).toEqual({ ok: false, reason: 'stale_timestamp' })
  })

  it.each([
    ['not JSON', '{"id":'],
    ['JSON null', 'null'],
    ['no id', { ...good, id: undefined }],
    ['a numeric id', { ...good, id: 1 }],
    ['no event_type', { ...good, event_type: undefined }],
    ['no resource', { ...good, resource: undefined }],
    ['a numeric ciphertext', { ...good, resource: { ...resource, ciphertext: 1 } }],
    ['no nonce', { ...good, resource: { ...resource, nonce: undefined } }],
    ['another algorithm', { ...good, resource: { ...resource, algorithm: 'AEAD_AES_128_GCM' } }],
    ['numeric associated_data', { ...good, resource: { ...resource, associated_data: 7 } }],
  ])('%s', (_label, envelope) => {
    expect(open(envelope)).toEqual({ ok: false, reason: 'bad_envelope' })
  })

  it('sealNotification keeps a given id and a payload given as text', () => {
    const sealed = sealNotification({
      platformPrivateKey: platform.privateKey,
      platformKeyId: 'K',
      apiV3Key,
      eventType: 'REFUND.SUCCESS',
      summary: '退款成功',
      originalType: 'refund',
      payload: 'as is',
      now,
      id: 'fixed-id',
    })
    const opened = openNotification({
      headers: sealed.headers,
      rawBody: sealed.body,
      publicKeys: publicKeyMap({ K: platform.publicKey }),
      apiV3Key,
      now,
    })
    expect(opened).toMatchObject({
      ok: true,
      value: {
        plaintext: 'as is',
        envelope: {
          id: 'fixed-id',
          summary: '退款成功',
          resource: { associated_data: 'refund', original_type: 'refund' },
        },
      },
    })
  })
})
