import type { SessionView } from '@yibao/shared'
import type { RefundView } from './types'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import { refundView } from './refund-fixtures'
import RefundsPage from './RefundsPage.vue'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '王**', certNo: '610322********0281', regionCode: '610322' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: null }
const ORDER = '0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912'
const UNDER_WAY = '4f8091a2-b3c4-4d56-a7e8-f9a0b1c2d3e4'
const REJECTED = '5a91a2b3-c4d5-4e67-b8f9-a0b1c2d3e4f5'

const refund = (over: Partial<RefundView> = {}) => refundView({ id: UNDER_WAY, orderId: ORDER, ...over })
const rejected = refund({ id: REJECTED, lineId: '3e7f8091-a2b3-4c45-96d7-e8f9a0b1c2d3', name: '李**', certNo: '610322********0422', reason: 'employee_insurance', status: 'rejected', rejectMessage: '医保部门未查到该参保人的职工医保参保信息，请参加职工医保后再申请，或到窗口办理' })

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.useRealTimers()
})
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/refunds', component: RefundsPage },
      { path: '/pay/orders', component: { render: () => h('p', 'orders') } },
    ],
  })
  await router.push('/refunds')
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('RefundsPage', () => {
  it('explains how to apply and lists refunds with their status, reason and the reason of a refusal', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get('*/api/v1/refunds', () => HttpResponse.json([rejected])),
    )
    const { wrapper } = await mountPage()
    expect(wrapper.findAll('h1')).toHaveLength(1)
    expect(wrapper.get('h1').text()).toBe('退费申请')
    expect(wrapper.get('[data-testid="refunds-to-orders"]').attributes('href')).toBe('/pay/orders')
    expect(wrapper.text()).toContain('申请退费')

    const items = wrapper.findAll('[data-testid="refund-item"]')
    expect(items).toHaveLength(1)
    const item = items[0]!
    expect(item.text()).toContain('李**（610322********0422）')
    expect(item.text()).toContain('2027年度 · ¥380.00')
    expect(item.text()).toContain('退费原因：已参加职工基本医疗保险')
    const status = item.get('[data-testid="refund-status"]')
    expect(status.text()).toBe('审核未通过')
    expect(status.attributes('aria-live')).toBe('polite')
    expect(item.get('[data-testid="refund-reject-message"]').text()).toBe('医保部门未查到该参保人的职工医保参保信息，请参加职工医保后再申请，或到窗口办理')
    expect(wrapper.find('[data-testid="refunds-empty"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('puts the records first and 办理须知 below them, collapsed once there are records', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get('*/api/v1/refunds', () => HttpResponse.json([rejected])),
    )
    const { wrapper } = await mountPage()
    const page = wrapper.get('.refunds').element
    const records = wrapper.get('[data-testid="refund-item"]').element
    const guide = wrapper.get('[data-testid="refunds-guide"]')
    // The records come before the guide in reading order.
    expect(records.compareDocumentPosition(guide.element) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
    expect(page.contains(guide.element)).toBe(true)
    const toggle = guide.get('[role="button"]')
    expect(toggle.text()).toContain('办理须知')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    // The how-to is one tap away, and still links to 缴费记录.
    await toggle.trigger('click')
    await flushPromises()
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(guide.get('[data-testid="refunds-to-orders"]').attributes('href')).toBe('/pay/orders')
    wrapper.unmount()
  })

  it('with no records yet, shows 办理须知 open', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get('*/api/v1/refunds', () => HttpResponse.json([])),
    )
    const { wrapper } = await mountPage()
    const guide = wrapper.get('[data-testid="refunds-guide"]')
    expect(guide.get('[role="button"]').attributes('aria-expanded')).toBe('true')
    expect(guide.text()).toContain('中选择要退费的那笔缴费')
    wrapper.unmount()
  })

  it('says 暂无退费记录 when there are none', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get('*/api/v1/refunds', () => HttpResponse.json([])),
    )
    const { wrapper } = await mountPage()
    expect(wrapper.findAll('[data-testid="refund-item"]')).toHaveLength(0)
    expect(wrapper.get('[data-testid="refunds-empty"]').text()).toBe('暂无退费记录')
    wrapper.unmount()
  })

  it('asks again every 2 s about a refund under way (only that one) until it has succeeded, then stops', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true })
    const answers = [refund({ status: 'refunding' }), refund({ status: 'succeeded', receivedAccount: '支付用户零钱', succeededAt: '2026-12-01T09:00:08.000+08:00' })]
    const asked: string[] = []
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get('*/api/v1/refunds', () => HttpResponse.json([refund(), rejected])),
      http.get('*/api/v1/refunds/:id', ({ params }) => {
        asked.push(String(params.id))
        return HttpResponse.json(answers.length > 1 ? answers.shift()! : answers[0]!)
      }),
    )
    const { wrapper } = await mountPage()
    const status = () => wrapper.findAll('[data-testid="refund-status"]').map(s => s.text())
    expect(status()).toEqual(['医保审核中', '审核未通过'])
    expect(wrapper.text()).toContain('退费进度会自动更新')
    expect(asked).toEqual([])

    await vi.advanceTimersByTimeAsync(2_000)
    await vi.waitFor(() => expect(status()).toEqual(['审核通过，退款中', '审核未通过']))
    expect(asked).toEqual([UNDER_WAY])

    await vi.advanceTimersByTimeAsync(2_000)
    await vi.waitFor(() => expect(status()).toEqual(['已退回原支付账户', '审核未通过']))
    expect(asked).toEqual([UNDER_WAY, UNDER_WAY])
    const item = wrapper.findAll('[data-testid="refund-item"]')[0]!
    expect(item.get('[data-testid="refund-account"]').text()).toBe('已退回：支付用户零钱')
    expect(item.text()).toContain('退回时间：2026-12-01 09:00')
    expect(wrapper.text()).not.toContain('退费进度会自动更新')

    // Nothing under way any more: no more requests.
    await vi.advanceTimersByTimeAsync(10_000)
    expect(asked).toHaveLength(2)
    wrapper.unmount()
  })

  it('stops asking when the page is left', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true })
    let asked = 0
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get('*/api/v1/refunds', () => HttpResponse.json([refund()])),
      http.get('*/api/v1/refunds/:id', () => {
        asked++
        return HttpResponse.json(refund())
      }),
    )
    const { wrapper } = await mountPage()
    await vi.advanceTimersByTimeAsync(2_000)
    await vi.waitFor(() => expect(asked).toBe(1))
    wrapper.unmount()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(asked).toBe(1)
  })
})
