import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { http, passthrough } from 'msw'
import { mswServer } from './msw'

/**
 * Serves an app on a random loopback port, as `main.ts` does, so tests can send it truly parallel
 * requests over real sockets (the races of issue 10). MSW lets the loopback traffic through for the
 * current test; the app's own upstream calls still meet the MSW handlers.
 */
export async function serveOnLoopback(app: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> }) {
  mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\/.*/, () => passthrough()))
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    /** POSTs JSON like a browser without a session (same origin, no CSRF token needed yet). */
    post: (path: string, json: unknown, headers: Record<string, string> = {}) => fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'origin': url, ...headers },
      body: JSON.stringify(json),
    }),
    /**
     * Sends `n` requests at once: `n` keep-alive connections are opened first, so the requests arrive
     * together instead of one per connection set-up.
     */
    async burst<T>(n: number, send: (i: number) => Promise<T>): Promise<T[]> {
      await Promise.all(Array.from({ length: n }, async () => (await fetch(`${url}/healthz`)).arrayBuffer()))
      return Promise.all(Array.from({ length: n }, (_, i) => send(i)))
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  }
}
