import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { carrierHandlers } from './carrier-handlers'
import { faceidHandlers } from './faceid-handlers'
import { nhsaHandlers } from './nhsa-handlers'
import { smsWechatHandlers } from './sms-wechat-handlers'
import { taxHandlers } from './tax-handlers'
import { wechatpayHandlers } from './wechatpay-handlers'

/** One MSW server per test file; unhandled requests fail the test. */
export const mswServer = setupServer(...nhsaHandlers, ...smsWechatHandlers, ...taxHandlers, ...wechatpayHandlers, ...carrierHandlers, ...faceidHandlers)

beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }))
afterEach(() => mswServer.resetHandlers())
afterAll(() => mswServer.close())
