import type { FaultConfig } from './faults/config'
import type { SandboxDataset } from './seed/model'
import type { SandboxEnv, SandboxState } from './state'
import { Hono } from 'hono'
import { adminRoutes } from './admin/routes'
import { carrierRoutes } from './carrier/routes'
import { faceidRoutes } from './faceid/routes'
import { createFaceIdState } from './faceid/state'
import { FaultConfigSchema, MAX_FAULT_HOLD_MS } from './faults/config'
import { faultMiddleware } from './faults/middleware'
import { createPrng } from './lib/prng'
import { createRegistry } from './nhsa/registry'
import { nhsaRoutes } from './nhsa/route'
import { NHSA_TRANSACTIONS } from './nhsa/transactions'
import { generateSeed } from './seed/generate'
import { createSettlementStore, generateSettlements } from './seed/settlements'
import { createResidentStore } from './seed/store'
import { smsRoutes } from './sms/routes'
import { premiumRoutes } from './tax/premiums'
import { taxRoutes } from './tax/routes'
import { wechatRoutes } from './wechat/routes'
import type { SandboxWechatPayKeys } from './wechatpay/keys'
import { wechatpayRoutes } from './wechatpay/routes'
import type { WechatPaySimConfig } from './wechatpay/state'
import { createWechatPayState } from './wechatpay/state'

/** Options of `createSandbox`. */
export interface SandboxOptions {
  /** Run-wide faults from the start (same shape as `PUT /__sandbox/faults`). */
  faults?: FaultConfig
  /** Clock for wire times and ages (default: the real clock). */
  now?: () => Date
  /**
   * Moves `now` forward by a positive whole number of ms (throws a RangeError otherwise): the BFF passes it
   * when it runs on SANDBOX_CLOCK with the sandbox embedded, for `POST /__sandbox/clock/advance`. Without it
   * that control answers 404.
   */
  advanceClock?: (ms: number) => void
  /** Numbers in `[0, 1)` deciding the fault `rate` (default: a seeded generator). */
  random?: () => number
  /** How long the `timeout` fault holds a request before a 504 (default and maximum 60 000 ms). */
  timeoutHoldMs?: number
  /** Population to serve (default: `generateSeed()`, fresh for every sandbox). */
  dataset?: SandboxDataset
  /**
   * WeChat Pay merchant keys shared with the BFF (`pnpm start` generates them). Without them the simulator
   * makes up its own on first use (only a caller holding them can talk to it: its own tests).
   */
  wechatpay?: SandboxWechatPayKeys
  /** Initial WeChat Pay simulator behaviour (same fields as `PUT /__sandbox/wechatpay/config`). */
  wechatpayConfig?: Partial<WechatPaySimConfig>
}

/** The sandbox's Hono app type. */
export type SandboxApp = Hono<SandboxEnv>

/** What `createSandbox` returns. */
export interface Sandbox {
  app: SandboxApp
  state: SandboxState
}

/**
 * Creates a bureau sandbox: a Hono app that speaks the bureau systems' wire formats, over its own
 * seeded population.
 *
 * @example
 * const { app } = createSandbox({ now: () => new Date('2026-06-15T02:00:00Z') })
 * const res = await app.request('/fsi/api/rsfComIfsService/callService', { method: 'POST', body: JSON.stringify(envelope) })
 */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const faults = options.faults === undefined ? null : FaultConfigSchema.parse(options.faults)
  const dataset = options.dataset ?? generateSeed()
  const state: SandboxState = {
    residents: createResidentStore(dataset),
    settlements: createSettlementStore(generateSettlements(dataset)),
    faults: { run: faults },
    taxFaults: { collectRefusal: null },
    now: options.now ?? (() => new Date()),
    random: options.random ?? createPrng(0x5EED).next,
    timeoutHoldMs: Math.min(options.timeoutHoldMs ?? MAX_FAULT_HOLD_MS, MAX_FAULT_HOLD_MS),
    heldRequests: 0,
    refmsgSerial: 0,
    sms: [],
    oauthCodes: new Map(),
    wechatpay: createWechatPayState(options.wechatpay, options.wechatpayConfig),
    faceid: createFaceIdState(),
  }
  const app = new Hono<SandboxEnv>()
  app.use('*', faultMiddleware(state))
  app.route('/', adminRoutes(state, options.advanceClock))
  app.route('/', nhsaRoutes(state, createRegistry(NHSA_TRANSACTIONS)))
  app.route('/', smsRoutes(state))
  app.route('/', carrierRoutes(state))
  app.route('/', taxRoutes(state))
  app.route('/', premiumRoutes(state))
  app.route('/', wechatRoutes(state))
  app.route('/', wechatpayRoutes(state))
  app.route('/', faceidRoutes(state.faceid, state.now))
  // The simulator pages have no icon: a browser asking for one gets an empty answer, not a 404 in its console.
  app.get('/favicon.ico', c => c.body(null, 204))
  return { app, state }
}
