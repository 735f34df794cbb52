import type { ApiErrorBody, FamilyLinkView, SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import PayPage from './PayPage.vue'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '胡*', certNo: '370503********8521', regionCode: '370503' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: null }
const links: FamilyLinkView[] = [
  { id: '5d1f0f9e-7a51-4a7b-9d7e-1b2c3d4e5f60', name: '孙**', certNo: '370503********5164', relation: 'grandchild', relationLabel: '孙子女/外孙子女', status: 'active', createdAt: '2026-11-22T00:00:00.000Z' },
  { id: '6e2a1b0c-8b62-4b8c-8e8f-2c3d4e5f6a71', name: '孙**', certNo: '370503********6551', relation: 'spouse', relationLabel: '配偶', status: 'pending_consent', createdAt: '2026-11-22T00:00:00.000Z' },
]
const MEMBER = links[0]!.id

function line(name: string, certNo: string, relation: 'self' | 'family' | 'proxy', status: string, dueFen: number) {
  return { name, certNo, relation, year: 2027, regionCode: '370503', standardFen: 40_000, subsidyFen: 0, dueFen, status }
}
function errorBody(code: ApiErrorBody['error']['code'], message: string): ApiErrorBody {
  return { error: { code, message, requestId: 'req-42' } }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

const orders: { key: string | null, body: { channel: string, people: unknown[], year: number } }[] = []
let replies: Array<() => Response> = []

function bff() {
  orders.length = 0
  server.use(
    http.get('*/api/v1/session', () => HttpResponse.json(resident)),
    http.get('*/api/v1/family/links', () => HttpResponse.json(links)),
    http.post('*/api/v1/payments/quotes', async ({ request }) => {
      const { people } = await request.json() as { people: { kind: string }[] }
      return HttpResponse.json({ year: 2027, totalFen: 0, lines: people.map(p => p.kind === 'self' ? line('胡*', '370503********8521', 'self', 'payable', 40_000) : line('孙**', '370503********5164', 'family', 'paid', 0)) })
    }),
    http.post('*/api/v1/payments/orders', async ({ request }) => {
      orders.push({ key: request.headers.get('idempotency-key'), body: await request.json() as never })
      return replies.shift()!()
    }),
  )
}

function created(channel: 'native' | 'jsapi', id = '0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912') {
  return () => HttpResponse.json({ id, outTradeNo: 'YB20261123AAAA', channel, year: 2027, totalFen: 40_000, status: 'prepaid', codeUrl: channel === 'native' ? 'weixin://wxpay/bizpayurl?pr=abc' : null, expiresAt: '2026-11-23T08:14:00.000+08:00', paidAt: null, lines: [], jsapi: null }, { status: 201 })
}

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/pay', component: PayPage },
      { path: '/pay/orders/:id', component: { render: () => h('p', 'order') } },
      { path: '/pay/orders', component: { render: () => h('p', 'orders') } },
      { path: '/family', component: { render: () => h('p', 'family') } },
    ],
  })
  await router.push('/pay?year=2027')
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

function setUserAgent(ua: string) {
  Object.defineProperty(window.navigator, 'userAgent', { value: ua, configurable: true })
}

describe('PayPage', () => {
  beforeEach(() => setUserAgent('Mozilla/5.0 (Linux; Android 12) Chrome/116.0.0.0 Mobile Safari/537.36'))

  it('shows what each person owes from the quote; paid people cannot be picked; pending links are not offered', async () => {
    bff()
    const { wrapper } = await mountPage()
    const rows = wrapper.findAll('[data-testid="pay-person"]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('本人')
    expect(rows[0]!.text()).toContain('缴费标准 ¥400.00，政府资助 ¥0.00')
    expect(rows[0]!.text()).toContain('应缴 ¥400.00')
    expect((wrapper.get('[data-testid="pay-pick-self"]').element as HTMLInputElement).checked).toBe(true)
    expect(rows[1]!.text()).toContain('家人')
    expect(rows[1]!.text()).toContain('已缴费')
    expect((wrapper.get(`[data-testid="pay-pick-member:${MEMBER}"]`).element as HTMLInputElement).disabled).toBe(true)
    expect(wrapper.get('[data-testid="pay-total"]').text()).toBe('共1人，合计 ¥400.00')
    expect(wrapper.text()).toContain('将生成微信支付二维码')
    wrapper.unmount()
  })

  it('retries a failed confirmation with the SAME Idempotency-Key, and a new confirmation gets a new key', async () => {
    bff()
    replies = [
      () => HttpResponse.json(errorBody('UPSTREAM_UNAVAILABLE', '微信支付暂时无法访问，请稍后再试'), { status: 502 }),
      () => HttpResponse.json(errorBody('NOTHING_TO_PAY', '所选人员本年度无需缴费（已缴费、由政府全额资助或不在缴费期），请核对后重新选择'), { status: 409 }),
      created('native'),
    ]
    const { wrapper, router } = await mountPage()
    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()
    const alert = wrapper.get('[data-testid="pay-error"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toContain('微信支付暂时无法访问，请稍后再试')
    expect(alert.text()).toContain('如需帮助请提供编号 req-42')
    expect(wrapper.get('[data-testid="pay-confirm"]').text()).toContain('重试')

    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()
    expect(orders).toHaveLength(2)
    expect(orders[0]!.key).toMatch(/^[\w-]{20,255}$/)
    expect(orders[1]!.key).toBe(orders[0]!.key)
    expect(orders[0]!.body).toEqual({ year: 2027, channel: 'native', people: [{ kind: 'self' }] })

    // A definite refusal ends that confirmation: the next tap is a new one.
    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()
    expect(orders).toHaveLength(3)
    expect(orders[2]!.key).not.toBe(orders[0]!.key)
    expect(router.currentRoute.value.path).toBe('/pay/orders/0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912')
    wrapper.unmount()
  })

  it('inside WeChat asks for JSAPI and falls back to a QR code when the account has no WeChat sign-in', async () => {
    setUserAgent('Mozilla/5.0 (Linux; Android 12) Mobile Safari/537.36 MicroMessenger/8.0.50.2701(0x28003253) WeChat/arm64')
    bff()
    replies = [
      () => HttpResponse.json(errorBody('WECHAT_REQUIRED', '请在微信中打开本页面完成支付，或选择扫码支付'), { status: 400 }),
      created('native'),
    ]
    const { wrapper, router } = await mountPage()
    expect(wrapper.text()).toContain('将在微信中完成支付。')
    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()
    expect(orders.map(o => o.body.channel)).toEqual(['jsapi', 'native'])
    expect(orders[1]!.key).not.toBe(orders[0]!.key)
    expect(router.currentRoute.value.fullPath).toBe('/pay/orders/0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912?fallback=1')
    wrapper.unmount()
  })

  it('checks a 代缴 person with the shared rules before asking the BFF', async () => {
    bff()
    const { wrapper } = await mountPage()
    await wrapper.get('[name="name"]').setValue('李四')
    await wrapper.get('[name="certNo"]').setValue('370502198603150421')
    await wrapper.findAll('form')[0]!.trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('身份证号码校验不通过，请核对后重新输入')
    expect(wrapper.findAll('[data-testid="pay-person"]')).toHaveLength(2)
    wrapper.unmount()
  })
})
