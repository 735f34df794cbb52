import type { AddressInfo } from 'node:net'
import { once } from 'node:events'
import http from 'node:http'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { UpstreamError } from '../lib/errors'
import { createLogger } from '../lib/logger'
import { mswServer } from '../testing/msw'
import { callJson } from './http'

const logger = createLogger('silent')
// Real sockets: what is under test is the connection handling that MSW's interceptor would stand in for.
beforeAll(() => mswServer.close())
let server: http.Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise(resolve => server?.close(resolve))
  server = undefined
})

/** A bureau stand-in on a real port; `onRequest` sees how many requests its connection has carried before. */
async function listen(onRequest: (req: http.IncomingMessage, res: http.ServerResponse, servedBefore: number) => void) {
  const served = new WeakMap<object, number>()
  let requests = 0
  server = http.createServer((req, res) => {
    requests += 1
    const before = served.get(req.socket) ?? 0
    served.set(req.socket, before + 1)
    onRequest(req, res, before)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`
  return { url, requests: () => requests }
}

const call = (url: string, body?: unknown) =>
  callJson({ system: 'nhsa', url, body, timeoutMs: 2000, logger, operation: 'test' })

describe('callJson over kept-alive connections', () => {
  it('sends once more on a new connection when the system closed the kept-alive one as we reused it', async () => {
    // The second request on any connection finds it closed (the idle close racing our reuse): reset, no answer.
    const { url, requests } = await listen((_req, res, servedBefore) => {
      if (servedBefore > 0) {
        res.socket?.destroy()
        return
      }
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ ok: requests() }))
    })
    expect(await call(url, { n: 1 })).toEqual({ ok: 1 })
    // Reuses the connection, is reset, and goes again on a fresh one: answered, no error.
    expect(await call(url, { n: 2 })).toEqual({ ok: 3 })
    expect(requests()).toBe(3)
  })

  it('does not send again when a fresh connection fails: the error is the caller’s (unavailable), sent once', async () => {
    const { url, requests } = await listen((_req, res) => { res.socket?.destroy() })
    const error = await call(url, { n: 1 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamError)
    expect((error as UpstreamError).kind).toBe('unavailable')
    expect(requests()).toBe(1)
  })
})
