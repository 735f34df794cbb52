import type { FaceIdState } from './faceid/state'
import type { FaultConfig, FaultPlan } from './faults/config'
import type { SettlementStore } from './seed/settlements'
import type { ResidentStore } from './seed/store'
import type { SandboxSms } from './sms/routes'
import type { WechatPayState } from './wechatpay/state'

/**
 * Mutable state of one sandbox instance. Transactions of later features keep their records here
 * (registrations, payments, settlements), so every `createSandbox()` starts from the same seed.
 */
export interface SandboxState {
  /** The seeded population and its query API. */
  residents: ResidentStore
  /** Inpatient settlements of the population (5203, 5260). */
  settlements: SettlementStore
  /** Run-wide faults (`PUT /__sandbox/faults`), `null` when none. */
  faults: { run: FaultConfig | null }
  /** Tax collection faults (`PUT /__sandbox/tax/collect-refusal`): a business refusal to answer every collect. */
  taxFaults: { collectRefusal: { fhdm: string, fhxx: string } | null }
  /** Clock used for wire times, ages and default reference dates. */
  now: () => Date
  /** Source of numbers in `[0, 1)` for the fault `rate` (seeded by default). */
  random: () => number
  /** How long the `timeout` fault holds a request before giving up with a 504. */
  timeoutHoldMs: number
  /** Requests currently held by the `timeout` fault (tests check that they are released). */
  heldRequests: number
  /** Messages the SMS gateway "sent" (newest last, at most 500). */
  sms: SandboxSms[]
  /** WeChat OAuth codes not yet exchanged. */
  oauthCodes: Map<string, { openid: string, appid: string, expiresAt: number }>
  /** Last 流水号 used in inf_refmsgid (10 digits on the wire). */
  refmsgSerial: number
  /** 人脸核身 simulator: the checks started with DetectAuth. */
  faceid: FaceIdState
  /** WeChat Pay simulator: keys, orders, refunds, bills, callbacks. */
  wechatpay: WechatPayState
}

/** Hono environment of the sandbox app. */
export interface SandboxEnv {
  Variables: {
    /** Faults chosen for this request by the fault middleware. */
    faultPlan: FaultPlan | undefined
    /** Set by a route that produced its own bad-shape body (so the generic fallback is skipped). */
    badShapeHandled: boolean | undefined
  }
}
