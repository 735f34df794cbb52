import type { SessionView } from '@yibao/shared'
import type { OrderView } from './types'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import PayOrderPage from './PayOrderPage.vue'
import { rememberOrder } from './pay-flow'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '王**', certNo: '610322********0281', regionCode: '610322' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: 'http://127.0.0.1:8788/__sandbox/wechatpay' }
const ID = '0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912'
const NEW_ID = '1c5d6e7f-8091-4a23-b4c5-d6e7f8091a23'
const future = new Date(Date.now() + 29 * 60_000).toISOString()
const past = new Date(Date.now() - 60_000).toISOString()
const LINE = '2d6e7f80-91a2-4b34-85c6-d7e8f9a0b1c2'
const LINE_2 = '3e7f8091-a2b3-4c45-96d7-e8f9a0b1c2d3'
const REFUND = '4f8091a2-b3c4-4d56-a7e8-f9a0b1c2d3e4'
const LINE_3 = '5a91a2b3-c4d5-4e67-b8f9-a0b1c2d3e4f5'
const REFUND_2 = '6ba2b3c4-d5e6-4f78-89a0-b1c2d3e4f5a6'

function view(over: Partial<OrderView> = {}): OrderView {
  return { id: ID, outTradeNo: 'YB20261123AAAABBBBCCCCDDDD', channel: 'native', year: 2027, totalFen: 40_000, status: 'prepaid', codeUrl: 'weixin://wxpay/bizpayurl?pr=abc', expiresAt: future, paidAt: null, atDesk: false, lines: [{ id: LINE, name: '王**', certNo: '610322********0281', amountFen: 40_000, status: 'pending', receiptCode: null, refund: null }], ...over }
}
const paid = view({ status: 'paid', codeUrl: null, paidAt: '2026-11-23T07:44:12.000+08:00', lines: [{ id: LINE, name: '王**', certNo: '610322********0281', amountFen: 40_000, status: 'paid', receiptCode: 'R4N7-CNU2-TG95-VTF6', refund: null }] })

const THEME_CSS = resolve(import.meta.dirname, '../../styles/theme.css')
const PAY_ORDER_VUE = resolve(import.meta.dirname, 'PayOrderPage.vue')
/** The CSS of a component's <style> blocks (not processed in these tests: read from the file). */
function styleOf(file: string): string {
  return [...readFileSync(file, 'utf8').matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map(m => m[1]).join('\n')
}
/** Stylesheets as they apply when the browser deems the focus visible (happy-dom never does). */
function focusVisibleAsFocus(sheets: string[]): string {
  return sheets.join('\n').replaceAll(':focus-visible', ':focus')
}

/** A stand-in for the browser's EventSource that the test drives. */
class FakeEventSource {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static last: FakeEventSource | null = null
  readyState = 1
  onerror: (() => void) | null = null
  private listeners = new Map<string, ((e: MessageEvent<string>) => void)[]>()
  constructor(readonly url: string) {
    FakeEventSource.last = this
  }

  addEventListener(type: string, fn: (e: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn])
  }

  emit(type: string, data: unknown) {
    for (const fn of this.listeners.get(type) ?? []) fn(new MessageEvent(type, { data: JSON.stringify(data) }))
  }

  close() {
    this.readyState = 2
  }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.useRealTimers()
})
afterAll(() => server.close())
beforeEach(() => {
  setActivePinia(createPinia())
  sessionStorage.clear()
  FakeEventSource.last = null
  Object.defineProperty(globalThis, 'EventSource', { value: FakeEventSource, configurable: true, writable: true })
})

async function mountAt(id: string, query = '') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/pay/orders/:id', component: PayOrderPage, props: route => ({ id: String(route.params.id) }) },
      { path: '/pay/orders', component: { render: () => h('p', 'orders') } },
      { path: '/pay', component: { render: () => h('p', 'pay') } },
      { path: '/receipts/verify', component: { render: () => h('p', 'verify') } },
      { path: '/refunds/new', component: { render: () => h('p', 'refund-apply') } },
      { path: '/refunds', component: { render: () => h('p', 'refunds') } },
    ],
  })
  await router.push(`/pay/orders/${id}${query}`)
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('PayOrderPage', () => {
  it('shows the QR code to scan, then 支付成功 with the receipt as soon as the event stream says paid', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(view())),
    )
    const { wrapper } = await mountAt(ID)
    expect(wrapper.get('[data-testid="order-heading"]').text()).toBe('待支付')
    expect(wrapper.get('[data-testid="pay-qr"]').text()).toContain('请用另一部手机的微信扫一扫')
    expect(wrapper.get('[data-testid="pay-countdown"]').text()).toMatch(/^请在 2[89]:\d{2} 内完成支付$/)
    const sandbox = new URL(wrapper.get('[data-testid="pay-sandbox-link"]').attributes('href')!)
    expect(sandbox.searchParams.get('code_url')).toBe('weixin://wxpay/bizpayurl?pr=abc')
    expect(FakeEventSource.last?.url).toBe(`/api/v1/payments/orders/${ID}/events`)

    FakeEventSource.last!.emit('status', paid)
    await flushPromises()
    expect(wrapper.get('[data-testid="order-heading"]').text()).toBe('支付成功')
    expect(wrapper.find('[data-testid="pay-qr"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="receipt-code"]').text()).toBe('R4N7-CNU2-TG95-VTF6')
    expect(wrapper.get('[data-testid="receipt-link"]').attributes('href')).toBe('/receipts/verify?code=R4N7-CNU2-TG95-VTF6')
    // Paid and final: the stream is closed.
    expect(FakeEventSource.last!.readyState).toBe(2)
    wrapper.unmount()
  })

  it('moves focus to the 支付成功 heading for screen readers, with no focus ring even when the browser deems it visible', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(view())),
    )
    const { wrapper } = await mountAt(ID)
    FakeEventSource.last!.emit('status', paid)
    await flushPromises()
    const heading = wrapper.get('[data-testid="order-heading"]').element as HTMLElement
    expect(document.activeElement).toBe(heading)
    // Not a control: focusable by script only (never by Tab).
    expect(heading.getAttribute('tabindex')).toBe('-1')
    // The app's and this page's styles, as Chromium applies them after a script focus with no tap before
    // it (back from the payment page): it then deems the focus visible, so :focus-visible rules apply too.
    const style = document.createElement('style')
    style.textContent = focusVisibleAsFocus([readFileSync(THEME_CSS, 'utf8'), styleOf(PAY_ORDER_VUE)])
    document.head.append(style)
    expect(getComputedStyle(heading).outlineStyle).toBe('none')
    // A control keeps its ring.
    const link = wrapper.get('[data-testid="receipt-link"]').element as HTMLElement
    link.focus()
    expect(getComputedStyle(link).outlineStyle).toBe('solid')
    style.remove()
    wrapper.unmount()
  })

  it('offers each paid person\'s 电子缴费凭证 as a PDF download, named for them, none without a receipt', async () => {
    type Line = OrderView['lines'][number]
    const person = (id: string, name: string, status: Line['status'], receiptCode: string | null): Line =>
      ({ id, name, certNo: '610322********0281', amountFen: 40_000, status, receiptCode, refund: null })
    const lines = [
      person(LINE, '王**', 'reported', 'R4N7-CNU2-TG95-VTF6'),
      // A refunded person's receipt is still theirs to download: the PDF says 作废.
      person(LINE_2, '李*', 'refunded', 'K8M2-PQ3R-ST4V-WX5Y'),
      // Paid twice at once: no receipt was issued.
      person(LINE_3, '赵**', 'duplicate', null),
    ]
    const two = view({ status: 'paid', codeUrl: null, paidAt: '2026-11-23T07:44:12.000+08:00', totalFen: 120_000, lines })
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(two)),
    )
    const { wrapper } = await mountAt(ID)
    expect(wrapper.get('[data-testid="order-heading"]').text()).toBe('支付成功')
    const receipts = wrapper.findAll('[data-testid="receipt"]')
    const links = receipts.map(r => r.find('[data-testid="receipt-pdf"]'))
    expect(links.map(l => l.exists())).toEqual([true, true, false])
    expect(links[0]!.attributes('href')).toBe(`/api/v1/payments/orders/${ID}/lines/${LINE}/receipt.pdf`)
    expect(links[1]!.attributes('href')).toBe(`/api/v1/payments/orders/${ID}/lines/${LINE_2}/receipt.pdf`)
    for (const link of links.slice(0, 2)) {
      expect(link.attributes('download')).toBeDefined()
      expect(link.text()).toBe('下载凭证PDF')
    }
    // Each link says whose receipt it is (the visible text is part of the name).
    expect(links[0]!.attributes('aria-label')).toBe('下载凭证PDF（王**）')
    expect(links[1]!.attributes('aria-label')).toBe('下载凭证PDF（李*）')
    wrapper.unmount()

    // Not paid yet: no receipt, no download.
    server.use(http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(view())))
    const unpaid = (await mountAt(ID)).wrapper
    expect(unpaid.find('[data-testid="receipt-pdf"]').exists()).toBe(false)
    unpaid.unmount()
  })

  it('after expiry closes the order and orders the same people again with a NEW Idempotency-Key', async () => {
    const body = { year: 2027, channel: 'native' as const, people: [{ kind: 'self' as const }] }
    rememberOrder(ID, { body, jsapi: null })
    const calls: { what: string, key?: string | null, body?: unknown }[] = []
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(view({ expiresAt: past }))),
      http.get(`*/api/v1/payments/orders/${NEW_ID}`, () => HttpResponse.json(view({ id: NEW_ID }))),
      http.post(`*/api/v1/payments/orders/${ID}/close`, () => {
        calls.push({ what: 'close' })
        return HttpResponse.json(view({ expiresAt: past, status: 'closed', codeUrl: null }))
      }),
      http.post('*/api/v1/payments/orders', async ({ request }) => {
        calls.push({ what: 'order', key: request.headers.get('idempotency-key'), body: await request.json() })
        return HttpResponse.json({ ...view({ id: NEW_ID }), jsapi: null }, { status: 201 })
      }),
    )
    const { wrapper, router } = await mountAt(ID)
    expect(wrapper.get('[data-testid="order-heading"]').text()).toBe('支付二维码已过期')
    expect(wrapper.find('[data-testid="pay-qr"]').exists()).toBe(false)
    await wrapper.get('[data-testid="order-reorder"]').trigger('click')
    await flushPromises()
    expect(calls.map(c => c.what)).toEqual(['close', 'order'])
    expect(calls[1]!.body).toEqual(body)
    expect(calls[1]!.key).toMatch(/^[\w-]{20,255}$/)
    expect(router.currentRoute.value.path).toBe(`/pay/orders/${NEW_ID}`)
    expect(wrapper.get('[data-testid="order-heading"]').text()).toBe('待支付')
    wrapper.unmount()
  })

  it('shows a failed load with its Chinese message (a 404 is not a fault to quote: no request id)', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json({ error: { code: 'NOT_FOUND', message: '没有找到相关记录', requestId: 'req-7' } }, { status: 404 })),
    )
    const { wrapper } = await mountAt(ID)
    const alert = wrapper.get('[data-testid="order-error"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toContain('没有找到相关记录')
    expect(alert.text()).not.toContain('req-7')
    expect(FakeEventSource.last).toBeNull()
    wrapper.unmount()
  })

  it('offers 申请退费 for a reported line without a refund, and shows the progress of a line with one', async () => {
    const order = view({
      status: 'paid',
      codeUrl: null,
      paidAt: '2026-11-23T07:44:12.000+08:00',
      totalFen: 80_000,
      lines: [
        { id: LINE, name: '王**', certNo: '610322********0281', amountFen: 40_000, status: 'reported', receiptCode: 'R4N7-CNU2-TG95-VTF6', refund: null },
        { id: LINE_2, name: '李**', certNo: '610322********0422', amountFen: 40_000, status: 'reported', receiptCode: 'K7P3-CNU2-TG95-VTF7', refund: { id: REFUND, status: 'approving', reason: 'overpaid' } },
      ],
    })
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(order)),
    )
    const { wrapper, router } = await mountAt(ID)
    const receipts = wrapper.findAll('[data-testid="receipt"]')
    expect(receipts).toHaveLength(2)

    const apply = receipts[0]!.get('[data-testid="refund-apply"]')
    expect(apply.text()).toBe('申请退费')
    expect(apply.attributes('aria-label')).toBe('申请退费：王**')
    // Ids only in the link, never a name or an ID number.
    expect(apply.attributes('href')).toBe(`/refunds/new?order=${ID}&line=${LINE}`)
    expect(receipts[0]!.find('[data-testid="line-refund-status"]').exists()).toBe(false)

    expect(receipts[1]!.find('[data-testid="refund-apply"]').exists()).toBe(false)
    expect(receipts[1]!.get('[data-testid="line-refund-status"]').text()).toBe('退费进度：医保审核中')
    expect(receipts[1]!.get('[data-testid="line-refund-link"]').attributes('href')).toBe('/refunds')

    await apply.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe(`/refunds/new?order=${ID}&line=${LINE}`)
    wrapper.unmount()
  })

  it('offers 申请退费 again after a refused refund, and says 已退费 for a refunded line', async () => {
    const order = view({
      status: 'paid',
      codeUrl: null,
      paidAt: '2026-11-23T07:44:12.000+08:00',
      lines: [
        { id: LINE, name: '王**', certNo: '610322********0281', amountFen: 40_000, status: 'paid', receiptCode: 'R4N7-CNU2-TG95-VTF6', refund: { id: REFUND, status: 'rejected', reason: 'overpaid' } },
        { id: LINE_2, name: '李**', certNo: '610322********0422', amountFen: 40_000, status: 'refunded', receiptCode: 'K7P3-CNU2-TG95-VTF7', refund: { id: REFUND, status: 'succeeded', reason: 'overpaid' } },
      ],
    })
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(order)),
    )
    const { wrapper } = await mountAt(ID)
    const receipts = wrapper.findAll('[data-testid="receipt"]')
    expect(receipts[0]!.get('[data-testid="line-refund-status"]').text()).toBe('退费进度：审核未通过')
    expect(receipts[0]!.find('[data-testid="refund-apply"]').exists()).toBe(true)
    expect(receipts[1]!.text()).toContain('2027年度 · ¥400.00 · 已退费')
    expect(receipts[1]!.find('[data-testid="refund-apply"]').exists()).toBe(false)
    expect(receipts[1]!.get('[data-testid="line-refund-link"]').attributes('href')).toBe('/refunds')
    wrapper.unmount()
  })

  it('tells the payer why a person paid twice gets no receipt, and follows the automatic refund until the money '
    + 'is back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true })
    // Paid after it was closed: the mother and the child were paid by the new order meanwhile.
    type Refund = OrderView['lines'][number]['refund']
    type Status = 'duplicate' | 'refunded'
    const dup = (id: string, name: string, certNo: string, refund: Refund, status: Status = 'duplicate') =>
      ({ id, name, certNo, amountFen: 40_000, status, receiptCode: null, refund })
    const back = (id: string): Refund => ({ id, status: 'succeeded', reason: 'duplicate_payment' })
    const spouse = {
      id: LINE_3,
      name: '王**',
      certNo: '370502********0417',
      amountFen: 40_000,
      status: 'paid' as const,
      receiptCode: 'R4N7-CNU2-TG95-VTF6',
      refund: null,
    }
    const answers: OrderView[] = [
      view({ status: 'paid', codeUrl: null, paidAt: '2026-11-23T07:44:12.000+08:00', totalFen: 120_000, lines: [
        dup(LINE, '张**', '370502********0420', { id: REFUND, status: 'refunding', reason: 'duplicate_payment' }),
        dup(LINE_2, '王**', '370502********0426', null),
        spouse,
      ] }),
      view({ status: 'paid', codeUrl: null, paidAt: '2026-11-23T07:44:12.000+08:00', totalFen: 120_000, lines: [
        dup(LINE, '张**', '370502********0420', back(REFUND), 'refunded'),
        dup(LINE_2, '王**', '370502********0426', { id: REFUND_2, status: 'refunding', reason: 'duplicate_payment' }),
        spouse,
      ] }),
      view({ status: 'paid', codeUrl: null, paidAt: '2026-11-23T07:44:12.000+08:00', totalFen: 120_000, lines: [
        dup(LINE, '张**', '370502********0420', back(REFUND), 'refunded'),
        dup(LINE_2, '王**', '370502********0426', back(REFUND_2), 'refunded'),
        spouse,
      ] }),
    ]
    let asked = 0
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(answers[Math.min(asked++, 2)])),
    )
    const { wrapper } = await mountAt(ID)
    const facts = () => wrapper.findAll('[data-testid="receipt"]').map(r => r.find('.receipts__fact').text())
    const why = () => wrapper.findAll('[data-testid="line-why"]').map(p => p.text())
    expect(wrapper.get('[data-testid="order-heading"]').text()).toBe('支付成功')
    const notice = () => wrapper.get('[data-testid="order-duplicate-notice"]').text()
    expect(notice()).toBe('这笔订单中有2人本年度已缴过费，重复支付的¥800.00会自动原路退回，无需申请退费。')
    expect(facts()).toEqual([
      '2027年度 · ¥400.00 · 重复缴费，退回中',
      '2027年度 · ¥400.00 · 重复缴费，将自动原路退回',
      '2027年度 · ¥400.00 · 已缴费，正在报送税务部门',
    ])
    expect(why()).toEqual([
      '该人员2027年度的保费已由另一笔缴费缴纳，这笔是重复支付。¥400.00由系统自动原路退回您的微信支付账户，无需申请退费。',
      '该人员2027年度的保费已由另一笔缴费缴纳，这笔是重复支付。¥400.00由系统自动原路退回您的微信支付账户，无需申请退费。',
    ])
    const receipts = wrapper.findAll('[data-testid="receipt"]')
    // No receipt and no 申请退费 for a duplicate; the person who was paid once keeps both.
    expect(receipts[0]!.find('[data-testid="receipt-code"]').exists()).toBe(false)
    expect(receipts[0]!.find('[data-testid="refund-apply"]').exists()).toBe(false)
    expect(receipts[0]!.find('[data-testid="line-refund-status"]').exists()).toBe(false)
    expect(receipts[1]!.find('[data-testid="refund-apply"]').exists()).toBe(false)
    expect(receipts[2]!.get('[data-testid="receipt-code"]').text()).toBe('R4N7-CNU2-TG95-VTF6')
    expect(receipts[2]!.find('[data-testid="refund-apply"]').exists()).toBe(true)
    expect(asked).toBe(1)

    await vi.advanceTimersByTimeAsync(3_000)
    await vi.waitFor(() => expect(facts()[0]).toBe('2027年度 · ¥400.00 · 重复缴费，已退回原支付账户'))
    expect(facts()[1]).toBe('2027年度 · ¥400.00 · 重复缴费，退回中')
    expect(why()[0]).toBe('该人员2027年度的保费已由另一笔缴费缴纳，这笔重复支付的¥400.00已原路退回您的微信支付账户。')

    await vi.advanceTimersByTimeAsync(3_000)
    await vi.waitFor(() => expect(facts()[1]).toBe('2027年度 · ¥400.00 · 重复缴费，已退回原支付账户'))
    expect(asked).toBe(3)
    expect(notice()).toBe('这笔订单中有2人本年度已缴过费，重复支付的¥800.00已原路退回，无需申请退费。')
    // Both back: no more requests.
    await vi.advanceTimersByTimeAsync(10_000)
    expect(asked).toBe(3)
    wrapper.unmount()
  })

  it('says 重复支付 when every person of a paid order was paid elsewhere', async () => {
    const refund = { id: REFUND, status: 'succeeded' as const, reason: 'duplicate_payment' as const }
    const line = { id: LINE, name: '王**', certNo: '610322********0281', amountFen: 40_000, receiptCode: null }
    const order = view({ status: 'paid', codeUrl: null, paidAt: '2026-11-23T07:44:12.000+08:00', lines: [
      { ...line, status: 'refunded', refund },
    ] })
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(order)),
    )
    const { wrapper } = await mountAt(ID)
    expect(wrapper.get('[data-testid="order-heading"]').text()).toBe('重复支付，自动退回')
    expect(wrapper.get('[data-testid="receipt"]').text()).toContain('2027年度 · ¥400.00 · 重复缴费，已退回原支付账户')
    expect(wrapper.get('[data-testid="line-why"]').text()).toContain('已原路退回您的微信支付账户')
    // A system refund is not a refund the resident asked for: no 退费进度 line, but the record is linked.
    expect(wrapper.find('[data-testid="line-refund-status"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="line-refund-link"]').attributes('href')).toBe('/refunds')
    wrapper.unmount()
  })

  it('lists each person of a cancelled order as 未支付，已取消', async () => {
    const cancelled = { amountFen: 40_000, status: 'void' as const, receiptCode: null, refund: null }
    const order = view({ status: 'closed', codeUrl: null, lines: [
      { id: LINE, name: '王**', certNo: '610322********0281', ...cancelled },
      { id: LINE_2, name: '李**', certNo: '610322********0422', ...cancelled },
    ] })
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(order)),
    )
    const { wrapper } = await mountAt(ID)
    expect(wrapper.get('[data-testid="order-heading"]').text()).toBe('订单已关闭')
    expect(wrapper.findAll('[data-testid="order-line"]').map(l => l.text().replace(/\s+/g, ' '))).toEqual([
      '王**（610322********0281） 未支付，已取消',
      '李**（610322********0422） 未支付，已取消',
    ])
    expect(wrapper.find('[data-testid="receipt"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('PayOrderPage: back from WeChat Pay H5 (?from=h5)', () => {
  const H5_LINK = 'http://127.0.0.1:8788/__sandbox/wechatpay/h5?prepay_id=wx2&package=1405458241&redirect_url='
    + encodeURIComponent(`http://localhost/pay/orders/${ID}?from=h5`)
  const h5 = (over: Partial<OrderView> = {}) => view({ channel: 'h5', codeUrl: null, ...over })
  const h5Paid = { ...paid, channel: 'h5' as const }
  const heading = (w: { get: (s: string) => { text: () => string } }) => w.get('[data-testid="order-heading"]').text()
  let clicks: HTMLAnchorElement[] = []
  beforeEach(() => {
    clicks = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this)
    })
  })
  afterEach(() => vi.restoreAllMocks())

  it('says 正在确认支付结果… while the BFF asks WeChat Pay, and 支付成功 only once it says paid', async () => {
    let answer!: () => void
    const asked = new Promise<void>((resolve) => { answer = resolve })
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, async () => {
        await asked
        return HttpResponse.json(h5Paid)
      }),
    )
    const { wrapper } = await mountAt(ID, '?from=h5')
    const confirming = wrapper.get('[data-testid="order-confirming"]')
    expect(confirming.attributes('role')).toBe('status')
    expect(confirming.text()).toBe('正在确认支付结果…')
    expect(wrapper.find('[data-testid="order-heading"]').exists()).toBe(false)
    answer()
    await flushPromises()
    expect(wrapper.find('[data-testid="order-confirming"]').exists()).toBe(false)
    expect(heading(wrapper)).toBe('支付成功')
    expect(wrapper.get('[data-testid="receipt-code"]').text()).toBe('R4N7-CNU2-TG95-VTF6')
    wrapper.unmount()
  })

  it('not paid: 未支付 with 重新支付 (a current H5 address, opened with our origin as Referer) and 取消订单; a late '
    + 'payment still turns it to 支付成功', async () => {
    const posts: string[] = []
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(h5())),
      http.post(`*/api/v1/payments/orders/${ID}/h5-links`, ({ request }) => {
        posts.push(`h5-links:${request.headers.get('x-csrf-token')}`)
        return HttpResponse.json({ ...h5(), jsapi: null, h5Url: H5_LINK }, { status: 201 })
      }),
    )
    const { wrapper } = await mountAt(ID, '?from=h5')
    expect(heading(wrapper)).toBe('未支付')
    expect(wrapper.get('[data-testid="order-h5-hint"]').text()).toContain('微信支付没有收到这笔订单的付款')
    expect(wrapper.find('[data-testid="pay-qr"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="order-pay-h5"]').text()).toBe('重新支付')
    expect(wrapper.get('[data-testid="order-cancel"]').text()).toBe('取消订单')
    // Still followed live: money that arrives now (the callback) shows at once.
    expect(FakeEventSource.last?.url).toBe(`/api/v1/payments/orders/${ID}/events`)

    await wrapper.get('[data-testid="order-pay-h5"]').trigger('click')
    await flushPromises()
    expect(posts).toEqual(['h5-links:csrf'])
    expect(clicks.map(a => [a.href, a.referrerPolicy])).toEqual([[H5_LINK, 'strict-origin']])

    FakeEventSource.last!.emit('status', h5Paid)
    await flushPromises()
    expect(heading(wrapper)).toBe('支付成功')
    expect(wrapper.find('[data-testid="order-pay-h5"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('取消订单 closes it (nothing charged, 重新下单 offered); 重新支付 of an order paid meanwhile shows 支付成功',
    async () => {
      let current = h5()
      server.use(
        http.get('*/api/v1/session', () => HttpResponse.json(resident)),
        http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(current)),
        http.post(`*/api/v1/payments/orders/${ID}/close`, () => {
          current = h5({ status: 'closed', lines: [{ ...current.lines[0]!, status: 'void' }] })
          return HttpResponse.json(current)
        }),
      )
      const { wrapper } = await mountAt(ID, '?from=h5')
      await wrapper.get('[data-testid="order-cancel"]').trigger('click')
      await flushPromises()
      expect(heading(wrapper)).toBe('订单已关闭')
      expect(wrapper.text()).toContain('该订单已关闭，没有扣款。')
      expect(wrapper.get('[data-testid="order-reorder"]').text()).toBe('重新下单')
      expect(wrapper.find('[data-testid="order-pay-h5"]').exists()).toBe(false)
      wrapper.unmount()

      current = h5()
      server.use(http.post(`*/api/v1/payments/orders/${ID}/h5-links`, () => {
        current = h5Paid
        const error = { code: 'ORDER_NOT_PAYABLE', message: '该订单已支付或已关闭，无法继续支付', requestId: 'req-7' }
        return HttpResponse.json({ error }, { status: 409 })
      }))
      const again = (await mountAt(ID, '?from=h5')).wrapper
      await again.get('[data-testid="order-pay-h5"]').trigger('click')
      await flushPromises()
      expect(clicks).toEqual([])
      expect(heading(again)).toBe('支付成功')
      expect(again.find('[data-testid="order-action-error"]').exists()).toBe(false)
      again.unmount()
    })

  it('an H5 order opened from 缴费记录 (not back from WeChat) reads 待支付 with 去微信支付', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(h5())),
    )
    const { wrapper } = await mountAt(ID)
    expect(wrapper.find('[data-testid="order-confirming"]').exists()).toBe(false)
    expect(heading(wrapper)).toBe('待支付')
    expect(wrapper.get('[data-testid="order-h5-hint"]').text()).toBe('请在微信中完成支付，支付后会回到本页。')
    expect(wrapper.get('[data-testid="order-pay-h5"]').text()).toBe('去微信支付')
    wrapper.unmount()

    server.use(http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(h5({ expiresAt: past }))))
    const late = (await mountAt(ID)).wrapper
    expect(heading(late)).toBe('订单已超过支付时间')
    expect(late.get('[data-testid="order-reorder"]').text()).toBe('关闭并重新下单')
    late.unmount()
  })
})

describe('PaymentQr on the order page: 保存二维码', () => {
  it('offers the QR code as a PNG to save (picked from the album in WeChat\'s 扫一扫), until it expires', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(view())),
    )
    const { wrapper } = await mountAt(ID)
    await vi.waitFor(async () => {
      await flushPromises()
      expect(wrapper.find('[data-testid="pay-qr-save"]').exists()).toBe(true)
    })
    const save = wrapper.get('[data-testid="pay-qr-save"]')
    expect(save.element.tagName).toBe('A')
    expect(save.text()).toBe('保存二维码')
    expect(save.attributes('href')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/)
    expect(save.attributes('download')).toBe('微信支付二维码-¥400.00.png')
    expect(wrapper.get('[data-testid="pay-qr"]').text()).toContain('在微信“扫一扫”中从相册选取这张图片完成支付')
    wrapper.unmount()

    server.use(http.get(`*/api/v1/payments/orders/${ID}`, () => HttpResponse.json(view({ expiresAt: past }))))
    const expired = (await mountAt(ID)).wrapper
    await flushPromises()
    expect(expired.find('[data-testid="pay-qr-save"]').exists()).toBe(false)
    expired.unmount()
  })
})
