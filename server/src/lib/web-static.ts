import type { MiddlewareHandler } from 'hono'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'

/** The files the web build writes `.br` and `.gz` copies of (web/vite.config.ts). */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json)$/
/** Vite names every file under /assets/ by its content hash: a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

/**
 * Serves the built web app (`WEB_DIST_DIR`): its files, and the app shell (index.html) for any other path
 * without a file extension (the SPA's routes). A text file is sent as the build's brotli or gzip copy when the
 * request's Accept-Encoding names `br` or `gzip` (br first; @hono/node-server's `precompressed`: it sets
 * Content-Encoding and keeps the plain file's Content-Type), else as the plain file. A token with a q-value
 * (`br;q=0.5`) is not matched, so such a client gets the plain file: never an encoding it did not name.
 */
export function webHandler(dir: string): MiddlewareHandler {
  const root = resolve(dir)
  if (!existsSync(resolve(root, 'index.html'))) throw new Error(`WEB_DIST_DIR has no index.html: ${root}`)
  const files = serveStatic({ root, precompressed: true })
  const shell = serveStatic({ root, path: 'index.html', precompressed: true })
  // Headers go on the response itself: serveStatic's onFound runs after the response is built, so a header
  // it sets never reaches the client.
  const cached = (res: Response, path: string) => {
    res.headers.set('Cache-Control', path.startsWith('/assets/') ? IMMUTABLE : 'no-cache')
    // Every text file has compressed copies, so a cache must key it by Accept-Encoding (the plain one too).
    if (COMPRESSIBLE.test(path)) res.headers.set('Vary', 'Accept-Encoding')
    return res
  }
  return async (c, next) => {
    const file = await files(c, async () => {})
    if (file) return cached(file, c.req.path.endsWith('/') ? `${c.req.path}index.html` : c.req.path)
    // A missing file is a 404; any other path is one of the app's routes and renders the shell.
    if (/\.\w+$/.test(c.req.path)) return next()
    const page = await shell(c, async () => {})
    return page ? cached(page, '/index.html') : next()
  }
}
