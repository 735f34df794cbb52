import type { OrderView } from './types'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import PayOrdersPage from './PayOrdersPage.vue'

const PAID = '0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912'
const CLOSED = '1c5d6e7f-8091-4a23-b4c5-d6e7f8091a23'
const LINES = [
  '2d6e7f80-91a2-4b34-85c6-d7e8f9a0b1c2',
  '3e7f8091-a2b3-4c45-96d7-e8f9a0b1c2d3',
  '4f8091a2-b3c4-4d56-a7e8-f9a0b1c2d3e4',
]
const REFUND = '5a91a2b3-c4d5-4e67-b8f9-a0b1c2d3e4f5'

function order(over: Partial<OrderView>): OrderView {
  return {
    id: PAID,
    outTradeNo: 'YB20261123AAAABBBBCCCCDDDD',
    channel: 'native',
    year: 2027,
    totalFen: 120_000,
    status: 'paid',
    codeUrl: null,
    expiresAt: '2026-11-23T08:14:00.000+08:00',
    paidAt: '2026-11-23T07:50:00.000+08:00',
    atDesk: false,
    lines: [],
    ...over,
  }
}
type Line = OrderView['lines'][number]
const line = (i: number, name: string, status: Line['status'], refund: Line['refund'] = null) =>
  ({ id: LINES[i]!, name, certNo: `370502********042${i}`, amountFen: 40_000, status, receiptCode: null, refund })

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

describe('PayOrdersPage (缴费记录)', () => {
  it('names who was paid twice and who was not paid for, with what became of their line', async () => {
    server.use(http.get('*/api/v1/payments/orders', () => HttpResponse.json([
      // Paid after it was closed: two people were paid by a newer order meanwhile.
      order({ lines: [
        line(0, '张**', 'duplicate', { id: REFUND, status: 'refunding', reason: 'duplicate_payment' }),
        line(1, '王**', 'refunded', { id: REFUND, status: 'succeeded', reason: 'duplicate_payment' }),
        line(2, '王**', 'reported'),
      ] }),
      order({ id: CLOSED, status: 'closed', paidAt: null, totalFen: 80_000, lines: [
        line(0, '张**', 'void'),
        line(1, '王**', 'void'),
      ] }),
    ])))
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/pay/orders', component: PayOrdersPage },
      { path: '/pay/orders/:id', component: { render: () => h('p', 'order') } },
      { path: '/pay', component: { render: () => h('p', 'pay') } },
    ] })
    await router.push('/pay/orders')
    const global = { plugins: [i18n, router] }
    const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="payment-order"]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('2027年度 · 3人 · ¥1,200.00')
    // One of the three got a duplicate payment back: the order is no longer simply 支付成功.
    expect(rows[0]!.text()).toContain('部分退费')
    expect(rows[0]!.findAll('[data-testid="order-line-note"]').map(n => n.text())).toEqual([
      '张**：重复缴费，退回中',
      '王**：重复缴费，已退回原支付账户',
    ])
    expect(rows[1]!.text()).toContain('已关闭')
    expect(rows[1]!.findAll('[data-testid="order-line-note"]').map(n => n.text())).toEqual([
      '张**：未支付，已取消',
      '王**：未支付，已取消',
    ])
    wrapper.unmount()
  })

  it('says 已退费 of an order whose every person got their money back, and marks a 窗口代缴 payment', async () => {
    const refund = (reason: 'employee_insurance' | 'overpaid') => ({ id: REFUND, status: 'succeeded' as const, reason })
    server.use(http.get('*/api/v1/payments/orders', () => HttpResponse.json([
      order({ lines: [line(0, '张**', 'refunded', refund('employee_insurance'))] }),
      order({ id: CLOSED, atDesk: true, lines: [line(1, '王**', 'refunded', refund('overpaid')), line(2, '李**', 'reported')] }),
    ])))
    const router = createRouter({ history: createMemoryHistory(), routes: [
      { path: '/pay/orders', component: PayOrdersPage },
      { path: '/pay', component: { render: () => h('p', 'pay') } },
    ] })
    await router.push('/pay/orders')
    const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] } })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="payment-order"]')
    expect(rows[0]!.text()).toContain('已退费')
    expect(rows[0]!.text()).not.toContain('支付成功')
    expect(rows[0]!.attributes('data-status')).toBe('refunded')
    expect(rows[0]!.find('[data-testid="order-at-desk"]').exists()).toBe(false)
    expect(rows[1]!.text()).toContain('部分退费')
    expect(rows[1]!.find('[data-testid="order-at-desk"]').text()).toBe('窗口代缴')
    wrapper.unmount()
  })
})
