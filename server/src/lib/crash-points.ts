import type { Env } from '../env'
import process from 'node:process'

/**
 * The named steps of the payment flows where the crash tests kill the BFF (`CRASH_AT`): each lies
 * between two effects that are not written together, e.g. after WeChat Pay took the money and before
 * we stored it.
 */
export const CRASH_POINTS = [
  /** `createAndPrepay`: the order and its lines are written, WeChat Pay not asked yet. */
  'order.inserted',
  /** `createAndPrepay`: WeChat Pay answered the prepay, not stored yet. */
  'order.prepaid',
  /** `payByCode`: WeChat Pay answered the 付款码 payment (paid or USERPAYING), nothing stored yet. */
  'codepay.answered',
  /** `applyPaidTransaction`: WeChat Pay took the money (checks passed), the payment not stored yet. */
  'payment.before_store',
  /** The worker's `reportLine`: the tax bureau recorded the collection, the line not marked reported. */
  'report.collected',
  /** `requestRefund`: the refund is written, the bureau not asked yet. */
  'refund.inserted',
  /** `advanceRefund`: the bureau approved, the approval not stored yet. */
  'refund.approved',
  /** `advanceRefund`: WeChat Pay accepted the refund, its answer not applied yet. */
  'refund.sent',
] as const

export type CrashPoint = typeof CRASH_POINTS[number]

/**
 * A failpoint: when `CRASH_AT` names this step, the process dies here at once with SIGKILL — a real
 * `kill -9`, so no `finally`, no shutdown hook and no pending write runs. Without `CRASH_AT` (always
 * in production: env.ts refuses it there) it does nothing.
 *
 * @example
 * await setOrderPrepay(db, order.id, answer) // ← crashPoint(deps, 'order.prepaid') goes just before
 */
export function crashPoint(deps: { env: Pick<Env, 'CRASH_AT'> }, name: CrashPoint): void {
  if (deps.env.CRASH_AT !== name) return
  // stderr on a pipe or a file is written synchronously, so the harness sees which step died.
  process.stderr.write(`crash point reached: ${name}\n`)
  process.kill(process.pid, 'SIGKILL')
}
