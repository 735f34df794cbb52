import type { Storage } from '../storage/types'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { webHandler } from './web-static'

// A web build as `vite build` writes it (web/vite.config.ts): text files with .br and .gz copies beside them,
// a file too small to be worth compressing without them, and a woff2 (compressed already).
const SHELL = `<!doctype html><html lang="zh-CN"><head><script type="module" src="/assets/index-Ab12Cd34.js"></script>
</head><body><div id="app"></div></body></html>\n`
const ENTRY = `${'export const 医保 = "城乡居民基本医疗保险";\n'.repeat(200)}console.log(医保)\n`
const TINY = 'import"./a.js";\n'
const FONT = Buffer.from([0x77, 0x4F, 0x46, 0x32, 1, 2, 3, 4])
const IMMUTABLE = 'public, max-age=31536000, immutable'

let storage: Storage
let dist: string
beforeAll(async () => {
  storage = await createTestStorage()
  dist = mkdtempSync(join(tmpdir(), 'yibao-web-'))
  mkdirSync(join(dist, 'assets'))
  const withCopies = (path: string, text: string) => {
    writeFileSync(join(dist, path), text)
    writeFileSync(join(dist, `${path}.br`), brotliCompressSync(text))
    writeFileSync(join(dist, `${path}.gz`), gzipSync(text))
  }
  withCopies('index.html', SHELL)
  withCopies('assets/index-Ab12Cd34.js', ENTRY)
  writeFileSync(join(dist, 'assets/style-Ef56Gh78.js'), TINY)
  writeFileSync(join(dist, 'assets/vant-icon-Ij90Kl12.woff2'), FONT)
})
afterAll(async () => {
  await storage.close()
  rmSync(dist, { recursive: true, force: true })
})

const get = (path: string, acceptEncoding?: string) => {
  const { app } = createTestApp({ storage, web: webHandler(dist) })
  return app.request(path, { headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding } })
}
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer())

describe('the built web app, precompressed', () => {
  it('sends a hashed script as its brotli copy when the browser takes br, cached for a year', async () => {
    const res = await get('/assets/index-Ab12Cd34.js', 'gzip, deflate, br, zstd')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Encoding')).toBe('br')
    expect(res.headers.get('Vary')).toBe('Accept-Encoding')
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('Cache-Control')).toBe(IMMUTABLE)
    const body = await bytes(res)
    expect(Number(res.headers.get('Content-Length'))).toBe(body.length)
    expect(body.length).toBeLessThan(Buffer.byteLength(ENTRY) / 4)
    expect(brotliDecompressSync(body).toString()).toBe(ENTRY)
  })

  it('sends the gzip copy to a client that takes gzip but not br', async () => {
    const res = await get('/assets/index-Ab12Cd34.js', 'gzip, deflate')
    expect(res.headers.get('Content-Encoding')).toBe('gzip')
    expect(res.headers.get('Vary')).toBe('Accept-Encoding')
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('Cache-Control')).toBe(IMMUTABLE)
    expect(gunzipSync(await bytes(res)).toString()).toBe(ENTRY)
  })

  it('sends the plain file, still varying by Accept-Encoding, to a client that takes neither', async () => {
    for (const accept of [undefined, 'identity', 'deflate']) {
      const res = await get('/assets/index-Ab12Cd34.js', accept)
      expect(res.headers.get('Content-Encoding'), accept).toBeNull()
      expect(res.headers.get('Vary'), accept).toBe('Accept-Encoding')
      expect(res.headers.get('Content-Type'), accept).toBe('text/javascript; charset=utf-8')
      expect(res.headers.get('Cache-Control'), accept).toBe(IMMUTABLE)
      expect((await bytes(res)).toString(), accept).toBe(ENTRY)
    }
  })

  it('sends the plain file where the build wrote no copy (too small), and a woff2 as it is', async () => {
    const tiny = await get('/assets/style-Ef56Gh78.js', 'gzip, deflate, br')
    expect(tiny.headers.get('Content-Encoding')).toBeNull()
    expect((await bytes(tiny)).toString()).toBe(TINY)
    const font = await get('/assets/vant-icon-Ij90Kl12.woff2', 'gzip, deflate, br')
    expect(font.headers.get('Content-Encoding')).toBeNull()
    expect(font.headers.get('Content-Type')).toBe('font/woff2')
    expect(font.headers.get('Cache-Control')).toBe(IMMUTABLE)
    expect(await bytes(font)).toEqual(FONT)
  })

  it('sends the app shell compressed and never cached without asking, at / and at any route of the app', async () => {
    for (const path of ['/', '/index.html', '/pay/orders', '/desk/anomalies']) {
      const res = await get(path, 'gzip, deflate, br')
      expect(res.status, path).toBe(200)
      expect(res.headers.get('Content-Encoding'), path).toBe('br')
      expect(res.headers.get('Vary'), path).toBe('Accept-Encoding')
      expect(res.headers.get('Content-Type'), path).toBe('text/html; charset=utf-8')
      expect(res.headers.get('Cache-Control'), path).toBe('no-cache')
      expect(brotliDecompressSync(await bytes(res)).toString(), path).toBe(SHELL)
    }
    const gzip = await get('/login', 'gzip')
    expect(gzip.headers.get('Content-Encoding')).toBe('gzip')
    expect(gunzipSync(await bytes(gzip)).toString()).toBe(SHELL)
    const plain = await get('/login')
    expect(plain.headers.get('Content-Encoding')).toBeNull()
    expect(plain.headers.get('Cache-Control')).toBe('no-cache')
    expect(await plain.text()).toBe(SHELL)
  })

  it('answers 404 for a missing file (not the app shell)', async () => {
    const res = await get('/assets/gone-Zz99Yy88.js', 'br')
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toMatch(/application\/json/)
  })
})
