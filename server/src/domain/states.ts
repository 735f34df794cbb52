/**
 * The one state machine that money depends on: premium orders, their lines (one person-year each) and
 * refunds. Every status write in storage goes through `advance()`, which names the event and throws on
 * a transition this table does not allow; `docs/state-machines.md` is generated from it
 * (`pnpm --filter @yibao/server gen:states`) and a test keeps the two equal.
 */

export interface Transition<S extends string, E extends string> {
  from: S
  to: S
  event: E
  /** Why it happens, in words for the diagram. */
  because: string
}

export interface Machine<S extends string, E extends string> {
  name: string
  title: string
  states: readonly S[]
  /** States a row is written in. */
  initial: readonly S[]
  /** States nothing moves out of. */
  final: readonly S[]
  transitions: readonly Transition<S, E>[]
}

/** A transition the machine does not allow: a bug or a race, never silently ignored. */
export class IllegalTransition extends Error {
  constructor(readonly machine: string, readonly from: string, readonly event: string) {
    super(`illegal ${machine} transition: ${event} from ${from}`)
    this.name = 'IllegalTransition'
  }
}

function machine<const S extends string, const E extends string>(m: Machine<S, E>): Machine<S, E> {
  return m
}

export const ORDER_MACHINE = machine({
  name: 'order',
  title: '缴费订单 (premium_orders.status)',
  states: ['created', 'prepaid', 'paid', 'closed'],
  initial: ['created'],
  final: ['paid'],
  transitions: [
    { from: 'created', to: 'prepaid', event: 'prepay', because: 'WeChat Pay answered the prepay' },
    {
      from: 'created', to: 'prepaid', event: 'userpaying',
      because: '付款码: WeChat Pay answered USERPAYING (the payer is entering the password)',
    },
    { from: 'created', to: 'paid', event: 'pay', because: 'payment reported (callback, query or bill)' },
    { from: 'prepaid', to: 'paid', event: 'pay', because: 'payment reported (callback, query or bill)' },
    { from: 'created', to: 'closed', event: 'close', because: 'payer cancelled, reordered or the order expired' },
    { from: 'prepaid', to: 'closed', event: 'close', because: 'closed at WeChat Pay (payer, reorder or expiry)' },
    { from: 'closed', to: 'paid', event: 'pay_after_close', because: 'money arrived after we closed: an anomaly' },
    {
      from: 'created', to: 'closed', event: 'reverse',
      because: '付款码 refused, failed or not paid in time: 撤销 at WeChat Pay',
    },
    {
      from: 'prepaid', to: 'closed', event: 'reverse',
      because: '付款码 PAYERROR or no password in time: 撤销 at WeChat Pay (money, if any, goes back)',
    },
  ],
})

export const LINE_MACHINE = machine({
  name: 'line',
  title: '缴费明细 (premium_order_lines.status), one person-year',
  states: ['pending', 'paid', 'reported', 'void', 'duplicate', 'refunded'],
  initial: ['pending'],
  final: ['refunded'],
  transitions: [
    { from: 'pending', to: 'paid', event: 'pay', because: 'the order was paid and the person-year is ours' },
    {
      from: 'pending', to: 'duplicate', event: 'pay_duplicate',
      because: 'paid, but the person-year is paid elsewhere',
    },
    { from: 'pending', to: 'void', event: 'void', because: 'the order was closed unpaid' },
    { from: 'void', to: 'paid', event: 'pay', because: 'a closed order was paid late and the person-year is free' },
    {
      from: 'void', to: 'duplicate', event: 'pay_duplicate',
      because: 'a closed order was paid late, person-year taken',
    },
    { from: 'paid', to: 'reported', event: 'report', because: 'the tax bureau recorded the collection' },
    {
      from: 'paid', to: 'duplicate', event: 'collected_elsewhere',
      because: 'the tax bureau holds another payment (2002)',
    },
    { from: 'paid', to: 'refunded', event: 'refund', because: 'refunded before the bureau recorded it (异常处理)' },
    { from: 'reported', to: 'refunded', event: 'refund', because: 'the resident\'s refund came back' },
    { from: 'duplicate', to: 'refunded', event: 'refund', because: 'the duplicate payment went back to its account' },
  ],
})

export const REFUND_MACHINE = machine({
  name: 'refund',
  title: '退费 (premium_refunds.status)',
  states: ['approving', 'refunding', 'succeeded', 'rejected', 'failed'],
  // A resident's request waits for the bureau's 审核; the system's refund of a duplicate goes straight to WeChat Pay.
  initial: ['approving', 'refunding'],
  final: ['succeeded', 'rejected'],
  transitions: [
    { from: 'approving', to: 'refunding', event: 'approve', because: 'the bureau\'s 审核 approved it' },
    { from: 'approving', to: 'rejected', event: 'reject', because: 'the bureau refused (the resident may ask again)' },
    { from: 'refunding', to: 'succeeded', event: 'succeed', because: 'WeChat Pay reports REFUND SUCCESS' },
    { from: 'refunding', to: 'failed', event: 'fail', because: 'WeChat Pay reports ABNORMAL or CLOSED: an anomaly' },
    { from: 'failed', to: 'refunding', event: 'retry', because: 'a supervisor retries it from 异常处理' },
  ],
})

export type OrderStatus = typeof ORDER_MACHINE.states[number]
export type OrderEvent = typeof ORDER_MACHINE.transitions[number]['event']
export type LineStatus = typeof LINE_MACHINE.states[number]
export type LineEvent = typeof LINE_MACHINE.transitions[number]['event']
export type RefundState = typeof REFUND_MACHINE.states[number]
export type RefundEvent = typeof REFUND_MACHINE.transitions[number]['event']

/** Line states that hold the person-year (at most one per person and year: a partial unique index). */
export const LIVE_LINE_STATES = ['pending', 'paid', 'reported'] as const satisfies readonly LineStatus[]
/** Orders the payer may still pay. */
export const OPEN_ORDER_STATES = ['created', 'prepaid'] as const satisfies readonly OrderStatus[]

/** Where `event` leads from `from`; throws `IllegalTransition` when the machine has no such edge. */
export function advance<S extends string, E extends string>(m: Machine<S, E>, from: string, event: E): S {
  const t = m.transitions.find(x => x.from === from && x.event === event)
  if (!t) throw new IllegalTransition(m.name, from, event)
  return t.to
}

/** The states `event` may start from, and where it leads (one target per event). */
export function edgesOf<S extends string, E extends string>(m: Machine<S, E>, event: E): { from: S[], to: S } {
  const ts = m.transitions.filter(x => x.event === event)
  if (!ts.length) throw new IllegalTransition(m.name, '*', event)
  const targets = new Set(ts.map(t => t.to))
  if (targets.size !== 1) throw new Error(`${m.name}.${event} has more than one target`)
  return { from: ts.map(t => t.from), to: ts[0]!.to }
}

/** The machine as a Mermaid state diagram (generated into docs/, never written by hand). */
export function mermaid(m: Machine<string, string>): string {
  const lines = ['stateDiagram-v2', `  %% ${m.title}`]
  for (const s of m.initial) lines.push(`  [*] --> ${s}`)
  for (const t of m.transitions) lines.push(`  ${t.from} --> ${t.to}: ${t.event} (${t.because})`)
  for (const s of m.final) lines.push(`  ${s} --> [*]`)
  return lines.join('\n')
}

export const MACHINES = [ORDER_MACHINE, LINE_MACHINE, REFUND_MACHINE] as const

/** `docs/state-machines.md`, whole. */
export function stateMachinesDoc(): string {
  const parts = [
    '# State machines of money',
    '',
    'Generated from `server/src/domain/states.ts` by `pnpm --filter @yibao/server gen:states`; a test fails',
    'when this file and the module differ. Every status write goes through the module, and a transition not',
    'drawn here throws.',
  ]
  for (const m of MACHINES) parts.push('', `## ${m.title}`, '', '```mermaid', mermaid(m), '```')
  return `${parts.join('\n')}\n`
}
