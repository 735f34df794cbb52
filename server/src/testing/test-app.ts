import type { MiddlewareHandler } from 'hono'
import type { Storage } from '../storage/types'
import { Writable } from 'node:stream'
import { testClient } from 'hono/testing'
import { createApp } from '../app'
import { contractChecked } from './contract'
import { createDeps, upstreamUrls } from '../deps'
import { parseEnv } from '../env'
import { createLogger } from '../lib/logger'
import { CARRIER_TEST_URL } from './carrier-handlers'
import { NHSA_TEST_URL } from './nhsa-handlers'
import { SMS_TEST_URL, WECHAT_API_TEST_URL, WECHAT_OPEN_TEST_URL } from './sms-wechat-handlers'
import { TestBrowser } from './auth'
import { createTestClock } from './clock'
import { TAX_TEST_URL } from './tax-handlers'

export interface TestAppOptions {
  storage: Storage
  env?: Record<string, string>
  /** The app's clock; default a test clock at `TEST_NOW` running in real time (never the machine's date). */
  now?: () => Date
  /** The built web app's handler, as main.ts mounts it (`webHandler` in lib/web-static.ts). */
  web?: MiddlewareHandler
}

/** The real app with real adapters (MSW at the network edge) and every log line captured. */
export function createTestApp({ storage, env: overrides = {}, now = createTestClock().now, web }: TestAppOptions) {
  const env = parseEnv({ NODE_ENV: 'test', SANDBOX: 'external', NHSA_BASE_URL: NHSA_TEST_URL, SMS_BASE_URL: SMS_TEST_URL, TAX_BASE_URL: TAX_TEST_URL, WECHAT_AUTHORIZE_BASE_URL: WECHAT_OPEN_TEST_URL, WECHAT_API_BASE_URL: WECHAT_API_TEST_URL, NHSA_TIMEOUT_MS: '300', CARRIER_BASE_URL: CARRIER_TEST_URL, CARRIER_TIMEOUT_MS: '300', LOG_LEVEL: 'debug', ...overrides })
  const logs: string[] = []
  const logger = createLogger(env.LOG_LEVEL, new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk))
      cb()
    },
  }))
  const deps = createDeps(env, logger, storage, { urls: upstreamUrls(env), now })
  const app = contractChecked(createApp(deps, { web }))
  return { app, client: testClient(app), deps, logs }
}

/**
 * Test apps on one clock that the tests move: each `setup()` starts an hour later than the last, so
 * the rate-limit windows of one test never touch the next; `advance` moves time within a test.
 */
export function clockedTestApps(storage: () => Storage, start = '2026-11-22T02:00:00Z') {
  let clock = new Date(start).getTime()
  const now = () => new Date(clock)
  return {
    now,
    setup() {
      clock += 3_600_000
      const t = createTestApp({ storage: storage(), now })
      return { ...t, browser: new TestBrowser(t.app), advance: (ms: number) => { clock += ms } }
    },
  }
}
