import type { ApiErrorBody, SessionView } from '@yibao/shared'
import type { OrderView } from '../pay/types'
import type { RefundView } from './types'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import RefundApplyPage from './RefundApplyPage.vue'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '王**', certNo: '610322********0281', regionCode: '610322' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: null }
const ORDER = '0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912'
const LINE = '2d6e7f80-91a2-4b34-85c6-d7e8f9a0b1c2'
const REFUND = '4f8091a2-b3c4-4d56-a7e8-f9a0b1c2d3e4'

function order(over: Partial<OrderView['lines'][number]> = {}): OrderView {
  return {
    id: ORDER,
    outTradeNo: 'YB20261123AAAABBBBCCCCDDDD',
    channel: 'native',
    year: 2027,
    totalFen: 38_000,
    status: 'paid',
    codeUrl: null,
    expiresAt: '2026-11-23T08:14:00.000+08:00',
    paidAt: '2026-11-23T07:44:12.000+08:00',
    lines: [{ id: LINE, name: '王**', certNo: '610322********0281', amountFen: 38_000, status: 'reported', receiptCode: 'R4N7-CNU2-TG95-VTF6', refund: null, ...over }],
  }
}
const created: RefundView = { id: REFUND, orderId: ORDER, lineId: LINE, year: 2027, name: '王**', certNo: '610322********0281', reason: 'duplicate_enrolment', amountFen: 38_000, status: 'approving', rejectMessage: null, receivedAccount: null, requestedAt: '2026-12-01T09:00:00.000+08:00', succeededAt: null }
function errorBody(code: ApiErrorBody['error']['code'], message: string): ApiErrorBody {
  return { error: { code, message, requestId: 'req-9' } }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

const posts: { key: string | null, body: unknown }[] = []
let replies: Array<() => Response> = []

function bff(view: OrderView = order()) {
  posts.length = 0
  server.use(
    http.get('*/api/v1/session', () => HttpResponse.json(resident)),
    http.get(`*/api/v1/payments/orders/${ORDER}`, () => HttpResponse.json(view)),
    http.post('*/api/v1/refunds', async ({ request }) => {
      posts.push({ key: request.headers.get('idempotency-key'), body: await request.json() })
      return replies.shift()!()
    }),
  )
}

async function mountAt(url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/refunds/new', component: RefundApplyPage },
      { path: '/refunds', component: { render: () => h('p', { 'data-testid': 'refunds-page' }, 'refunds') } },
      { path: '/pay/orders', component: { render: () => h('p', 'orders') } },
    ],
  })
  await router.push(url)
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('RefundApplyPage', () => {
  it('shows the person, year and amount of the line, and requires a reason before asking the BFF', async () => {
    bff()
    const { wrapper, router } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    expect(wrapper.findAll('h1')).toHaveLength(1)
    expect(wrapper.get('h1').text()).toBe('申请退费')
    const facts = wrapper.get('[data-testid="refund-line"]').text()
    expect(facts).toContain('王**（610322********0281）')
    expect(facts).toContain('2027年度')
    expect(wrapper.get('[data-testid="refund-amount"]').text()).toBe('¥380.00')
    expect(wrapper.get('fieldset legend').text()).toBe('退费原因')
    expect(wrapper.findAll('fieldset input[type="radio"]')).toHaveLength(4)
    expect(wrapper.get('fieldset').text()).toContain('重复参保或重复缴费')
    expect(wrapper.get('fieldset').text()).toContain('仅限待遇享受期开始前申请')
    expect(wrapper.get('[data-testid="refund-note"]').text()).toContain('医保审核')

    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    const error = wrapper.get('[data-testid="refund-reason-error"]')
    expect(error.text()).toBe('请选择退费原因')
    expect(wrapper.get('fieldset').attributes('aria-describedby')).toBe(error.attributes('id'))
    expect(posts).toHaveLength(0)
    expect(router.currentRoute.value.path).toBe('/refunds/new')

    // Choosing a reason clears the message.
    await wrapper.get('[data-testid="refund-reason-overpaid"]').setValue(true)
    expect(wrapper.find('[data-testid="refund-reason-error"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('sends {orderId, lineId, reason} with an Idempotency-Key, retries with the SAME key, then goes to /refunds', async () => {
    bff()
    replies = [
      () => HttpResponse.json(errorBody('UPSTREAM_UNAVAILABLE', '医保部门系统暂时无法访问，请稍后再试'), { status: 502 }),
      () => HttpResponse.json(created, { status: 201 }),
    ]
    const { wrapper, router } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    await wrapper.get('[data-testid="refund-reason-duplicate_enrolment"]').setValue(true)
    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    expect(posts).toHaveLength(1)
    expect(posts[0]!.body).toEqual({ orderId: ORDER, lineId: LINE, reason: 'duplicate_enrolment' })
    expect(posts[0]!.key).toMatch(/^[\w-]{20,255}$/)
    expect(wrapper.get('[data-testid="refund-error"]').text()).toContain('医保部门系统暂时无法访问，请稍后再试')
    expect(wrapper.get('[data-testid="refund-submit"]').text()).toContain('重试')
    expect(router.currentRoute.value.path).toBe('/refunds/new')

    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    expect(posts).toHaveLength(2)
    expect(posts[1]!.key).toBe(posts[0]!.key)
    expect(router.currentRoute.value.path).toBe('/refunds')
    expect(wrapper.find('[data-testid="refunds-page"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the Chinese message of a 409 and makes the next tap a new request', async () => {
    bff()
    replies = [
      () => HttpResponse.json(errorBody('REFUND_BENEFIT_STARTED', '2027年度待遇享受期已开始，不能以该原因退费'), { status: 409 }),
      () => HttpResponse.json(created, { status: 201 }),
    ]
    const { wrapper, router } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    await wrapper.get('[data-testid="refund-reason-overpaid"]').setValue(true)
    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    const alert = wrapper.get('[data-testid="refund-error"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toContain('2027年度待遇享受期已开始，不能以该原因退费')
    expect(alert.text()).toContain('如需帮助请提供编号 req-9')
    expect(wrapper.get('[data-testid="refund-submit"]').text()).toBe('提交退费申请')
    expect(router.currentRoute.value.path).toBe('/refunds/new')

    await wrapper.get('[data-testid="refund-reason-died_before_benefit"]').setValue(true)
    expect(wrapper.find('[data-testid="refund-error"]').exists()).toBe(false)
    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    expect(posts.map(p => (p.body as { reason: string }).reason)).toEqual(['overpaid', 'died_before_benefit'])
    expect(posts[1]!.key).not.toBe(posts[0]!.key)
    expect(router.currentRoute.value.path).toBe('/refunds')
    wrapper.unmount()
  })

  it('says plainly when the line is unknown or cannot be refunded, with a way back to 缴费记录', async () => {
    bff(order({ refund: { id: REFUND, status: 'approving', reason: 'overpaid' } }))
    const live = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    expect(live.wrapper.get('[data-testid="refund-unavailable"]').attributes('data-reason')).toBe('unavailable')
    expect(live.wrapper.get('[data-testid="refund-unavailable"]').text()).toContain('不能申请退费')
    expect(live.wrapper.get('[data-testid="refund-to-orders"]').attributes('href')).toBe('/pay/orders')
    expect(live.wrapper.find('[data-testid="refund-submit"]').exists()).toBe(false)
    live.wrapper.unmount()

    // No ids at all: nothing is asked, the page says what to do.
    const none = await mountAt('/refunds/new')
    expect(none.wrapper.get('h1').text()).toBe('申请退费')
    expect(none.wrapper.get('[data-testid="refund-unavailable"]').attributes('data-reason')).toBe('unknown')
    expect(none.wrapper.get('[data-testid="refund-to-orders"]').attributes('href')).toBe('/pay/orders')
    none.wrapper.unmount()

    // A line that is not in the order.
    const other = await mountAt(`/refunds/new?order=${ORDER}&line=${REFUND}`)
    expect(other.wrapper.get('[data-testid="refund-unavailable"]').attributes('data-reason')).toBe('unknown')
    other.wrapper.unmount()
    expect(posts).toHaveLength(0)
  })
})
