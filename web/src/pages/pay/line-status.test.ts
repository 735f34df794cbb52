import { describe, expect, it } from 'vitest'
import type { LineState } from './line-status'
import { i18n } from '../../i18n'
import en from '../../locales/en.json'
import { duplicateUnderWay, isDuplicate, LINE_LABEL_KEYS, lineLabelKey, orderLabelKey } from './line-status'

type RefundStatus = 'approving' | 'refunding' | 'succeeded' | 'rejected' | 'failed'
const REFUND = (status: RefundStatus, reason = 'duplicate_payment') => ({ status, reason })

describe('line status labels', () => {
  it('labels a cancelled line 未支付，已取消 and a duplicate by how far its money is on the way back', () => {
    const label = (line: LineState) => i18n.global.t(`pay.order.lineStatus.${lineLabelKey(line)}`)
    expect(label({ status: 'void', refund: null })).toBe('未支付，已取消')
    expect(label({ status: 'duplicate', refund: null })).toBe('重复缴费，将自动原路退回')
    expect(label({ status: 'duplicate', refund: REFUND('refunding') })).toBe('重复缴费，退回中')
    expect(label({ status: 'duplicate', refund: REFUND('succeeded') })).toBe('重复缴费，已退回原支付账户')
    expect(label({ status: 'duplicate', refund: REFUND('failed') })).toBe('重复缴费，退回未成功，请联系窗口')
    expect(label({ status: 'refunded', refund: REFUND('succeeded') })).toBe('重复缴费，已退回原支付账户')
    // A refund the resident asked for is not a duplicate.
    expect(label({ status: 'refunded', refund: REFUND('succeeded', 'overpaid') })).toBe('已退费')
    expect(label({ status: 'reported', refund: null })).toBe('已缴费，税务部门已入账')
    expect(label({ status: 'pending', refund: null })).toBe('待支付')
  })

  it('has a Chinese and an English label for every key', () => {
    for (const key of LINE_LABEL_KEYS) {
      expect(i18n.global.te(`pay.order.lineStatus.${key}`, 'zh-CN'), key).toBe(true)
      expect(en.pay.order.lineStatus[key], key).toBeDefined()
    }
  })

  it('follows a duplicate until its refund has come back or failed', () => {
    expect(isDuplicate({ status: 'refunded', refund: REFUND('succeeded', 'overpaid') })).toBe(false)
    expect(duplicateUnderWay({ status: 'duplicate', refund: null })).toBe(true)
    expect(duplicateUnderWay({ status: 'duplicate', refund: REFUND('refunding') })).toBe(true)
    expect(duplicateUnderWay({ status: 'duplicate', refund: REFUND('failed') })).toBe(false)
    expect(duplicateUnderWay({ status: 'refunded', refund: REFUND('succeeded') })).toBe(false)
  })

  it('labels an order by what became of its people: 已退费 when all got their money back, 部分退费 when some did', () => {
    const at = Date.parse('2026-11-23T08:00:00+08:00')
    const order = (status: string, ...lines: string[]) => ({
      status,
      expiresAt: '2026-11-23T08:14:00+08:00',
      lines: lines.map(s => ({ status: s, refund: null })),
    })
    expect(orderLabelKey(order('paid', 'refunded', 'refunded'), at)).toBe('refunded')
    expect(orderLabelKey(order('paid', 'refunded', 'reported'), at)).toBe('partlyRefunded')
    expect(orderLabelKey(order('paid', 'duplicate', 'reported'), at)).toBe('paid')
    expect(orderLabelKey(order('paid', 'reported'), at)).toBe('paid')
    expect(orderLabelKey(order('paid'), at)).toBe('paid')
    expect(orderLabelKey(order('prepaid', 'pending'), at)).toBe('prepaid')
    expect(orderLabelKey(order('prepaid', 'pending'), Date.parse('2026-11-23T08:14:00+08:00'))).toBe('expired')
    expect(orderLabelKey(order('closed', 'void'), at)).toBe('closed')
    for (const key of ['refunded', 'partlyRefunded', 'paid', 'closed'])
      expect(i18n.global.te(`pay.orders.status.${key}`, 'zh-CN'), key).toBe(true)
  })
})
