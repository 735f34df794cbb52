import type { ApiErrorBody, FamilyLinkView, SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import { recallOrder, rememberOrder } from './pay-flow'
import PayPage from './PayPage.vue'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '胡*', certNo: '370503********8521', regionCode: '370503' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: null }
const links: FamilyLinkView[] = [
  { id: '5d1f0f9e-7a51-4a7b-9d7e-1b2c3d4e5f60', name: '孙**', certNo: '370503********5164', relation: 'grandchild', relationLabel: '孙子女/外孙子女', status: 'active', createdAt: '2026-11-22T00:00:00.000Z' },
  { id: '6e2a1b0c-8b62-4b8c-8e8f-2c3d4e5f6a71', name: '孙**', certNo: '370503********6551', relation: 'spouse', relationLabel: '配偶', status: 'pending_consent', createdAt: '2026-11-22T00:00:00.000Z' },
]
const MEMBER = links[0]!.id

/** The quote's `heldBy`: an unpaid order of the payer's own, or of another payer (never named). */
type Held = { mine: true, orderId: string, expiresAt: string } | { mine: false, orderId: null, expiresAt: string }
  | null
type Relation = 'self' | 'family' | 'proxy'
function line(name: string, certNo: string, relation: Relation, status: string, dueFen: number, heldBy: Held = null) {
  const amounts = { standardFen: 40_000, subsidyFen: 0, dueFen }
  return { name, certNo, relation, year: 2027, regionCode: '370503', ...amounts, status, heldBy }
}
/** The quote's lines: oneself (胡*) and the bound grandchild (孙**), each with a hold of their own. */
function quoteOf(people: { kind: string }[], self: Held, member: Held, memberStatus = 'payable') {
  return {
    year: 2027,
    totalFen: 0,
    lines: people.map(p => p.kind === 'self'
      ? line('胡*', '370503********8521', 'self', 'payable', 40_000, self)
      : line('孙**', '370503********5164', 'family', memberStatus, memberStatus === 'payable' ? 38_000 : 0, member)),
  }
}
const OLD_ORDER = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d'
const EXPIRES = '2026-11-23T08:14:00.000+08:00'
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

const H5_URL = 'http://127.0.0.1:8788/__sandbox/wechatpay/h5?prepay_id=wx1&package=1405458241&redirect_url='
  + encodeURIComponent('http://localhost/pay/orders/0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912?from=h5')
function created(channel: 'native' | 'jsapi' | 'h5', id = '0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912') {
  const codeUrl = channel === 'native' ? 'weixin://wxpay/bizpayurl?pr=abc' : null
  const h5Url = channel === 'h5' ? H5_URL : null
  const expiresAt = '2026-11-23T08:14:00.000+08:00'
  const view = { id, outTradeNo: 'YB20261123AAAA', channel, year: 2027, totalFen: 40_000, status: 'prepaid', codeUrl }
  return () => HttpResponse.json({ ...view, expiresAt, paidAt: null, lines: [], jsapi: null, h5Url }, { status: 201 })
}

const ANDROID_CHROME = 'Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/116.0.0.0 Mobile Safari/537.36'
const IPHONE_SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) '
  + 'Version/17.5 Mobile/15E148 Safari/604.1'
const DESKTOP_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/116.0.0.0 Safari/537.36'
const WECHAT = 'Mozilla/5.0 (Linux; Android 12) Mobile Safari/537.36 MicroMessenger/8.0.50.2701(0x28003253) '
  + 'WeChat/arm64'

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
  // A computer's browser: it pays by QR code (a phone's browser is offered H5 first, below).
  beforeEach(() => setUserAgent(DESKTOP_CHROME))

  it('a person the government funds in full reads 政府全额资助 once the year is paid, not 已缴费', async () => {
    bff()
    const funded = { ...line('孙**', '370503********5164', 'family', 'paid', 0), subsidyFen: 40_000 }
    server.use(http.post('*/api/v1/payments/quotes', async ({ request }) => {
      const { people } = await request.json() as { people: { kind: string }[] }
      const lines = people.map(p => p.kind === 'self' ? line('胡*', '370503********8521', 'self', 'payable', 40_000) : funded)
      return HttpResponse.json({ year: 2027, totalFen: 40_000, lines })
    }))
    const { wrapper } = await mountPage()
    const row = wrapper.findAll('[data-testid="pay-person"]')[1]!
    expect(row.text()).toContain('缴费标准 ¥400.00，政府资助 ¥400.00')
    expect(row.get('[data-testid="pay-status"]').text()).toBe('政府全额资助')
    expect(row.text()).not.toContain('已缴费')
    wrapper.unmount()
  })

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
    setUserAgent(WECHAT)
    bff()
    replies = [
      () => HttpResponse.json(errorBody('WECHAT_REQUIRED', '请在微信中打开本页面完成支付，或选择扫码支付'), { status: 400 }),
      created('native'),
    ]
    const { wrapper, router } = await mountPage()
    expect(wrapper.text()).toContain('将在微信中完成支付。')
    expect(wrapper.find('[data-testid="pay-channels"]').exists()).toBe(false)
    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()
    expect(orders.map(o => o.body.channel)).toEqual(['jsapi', 'native'])
    expect(orders[1]!.key).not.toBe(orders[0]!.key)
    expect(router.currentRoute.value.fullPath).toBe('/pay/orders/0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912?fallback=1')
    wrapper.unmount()
  })

  it('a computer pays by QR code only: no choice of how to pay', async () => {
    bff()
    replies = [created('native')]
    const { wrapper, router } = await mountPage()
    expect(wrapper.find('[data-testid="pay-channels"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="pay-channel-hint"]').text()).toBe('将生成微信支付二维码，请用另一部手机的微信扫一扫。')
    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()
    expect(orders.map(o => o.body.channel)).toEqual(['native'])
    expect(router.currentRoute.value.path).toBe('/pay/orders/0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912')
    wrapper.unmount()
  })

  for (const [phone, ua] of [['Android Chrome', ANDROID_CHROME], ['iPhone Safari', IPHONE_SAFARI]] as const) {
    it(`${phone} pays with WeChat on the same phone (H5) by default: the browser goes to WeChat Pay's H5 address `
      + 'with our origin as the Referer', async () => {
      setUserAgent(ua)
      bff()
      replies = [created('h5')]
      const clicks: HTMLAnchorElement[] = []
      const click = vi.spyOn(HTMLAnchorElement.prototype, 'click')
        .mockImplementation(function (this: HTMLAnchorElement) {
          clicks.push(this)
        })
      try {
        const { wrapper, router } = await mountPage()
        const choices = wrapper.get('[data-testid="pay-channels"]')
        expect(choices.element.tagName).toBe('FIELDSET')
        expect(choices.get('legend').text()).toBe('支付方式')
        expect(choices.findAll('label').map(l => l.text())).toEqual(['本机微信支付（跳转到微信）', '用另一部手机扫码支付'])
        expect((wrapper.get('[data-testid="pay-channel-h5"]').element as HTMLInputElement).checked).toBe(true)
        expect(wrapper.get('[data-testid="pay-channel-hint"]').text()).toBe('将跳转到微信完成支付，支付后自动回到本页查看结果。')
        await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
        await flushPromises()
        expect(orders.map(o => o.body)).toEqual([{ year: 2027, channel: 'h5', people: [{ kind: 'self' }] }])
        expect(clicks.map(a => [a.href, a.referrerPolicy])).toEqual([[H5_URL, 'strict-origin']])
        expect(clicks[0]!.isConnected).toBe(false)
        // The page leaves for WeChat Pay; WeChat sends the browser back to the order page.
        expect(router.currentRoute.value.path).toBe('/pay')
        expect(recallOrder('0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912')?.body.channel).toBe('h5')
        wrapper.unmount()
      }
      finally {
        click.mockRestore()
      }
    })
  }

  it('a phone without WeChat (or paying for someone far away) chooses a QR code for another phone', async () => {
    setUserAgent(ANDROID_CHROME)
    bff()
    replies = [created('native')]
    const { wrapper, router } = await mountPage()
    await wrapper.get('[data-testid="pay-channel-native"]').setValue(true)
    expect(wrapper.get('[data-testid="pay-channel-hint"]').text()).toBe('将生成微信支付二维码，请用另一部手机的微信扫一扫。')
    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()
    expect(orders.map(o => o.body.channel)).toEqual(['native'])
    expect(router.currentRoute.value.path).toBe('/pay/orders/0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912')
    wrapper.unmount()
  })

  it('checks a 代缴 person with the shared rules before asking the BFF', async () => {
    bff()
    const { wrapper } = await mountPage()
    await wrapper.get('[name="name"]').setValue('李四')
    await wrapper.get('[name="certNo"]').setValue('370502198603150421')
    await wrapper.findAll('form')[0]!.trigger('submit')
    // The checks arrive as a chunk of their own on first use.
    await vi.waitFor(() => expect(wrapper.text()).toContain('身份证号码校验不通过，请核对后重新输入'))
    expect(wrapper.findAll('[data-testid="pay-person"]')).toHaveLength(2)
    wrapper.unmount()
  })

  it('names the people the payer\'s own unpaid order holds, goes on to it (继续支付) or cancels it (取消订单) and '
    + 'asks again', async () => {
    let held = true
    const calls: string[] = []
    const mine = () => (held ? { mine: true as const, orderId: OLD_ORDER, expiresAt: EXPIRES } : null)
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident)),
      http.get('*/api/v1/family/links', () => HttpResponse.json(links)),
      http.post('*/api/v1/payments/quotes', async ({ request }) => {
        calls.push('quote')
        const { people } = await request.json() as { people: { kind: string }[] }
        return HttpResponse.json(quoteOf(people, mine(), mine()))
      }),
      http.post(`*/api/v1/payments/orders/${OLD_ORDER}/close`, ({ request }) => {
        calls.push(`close:${request.headers.get('x-csrf-token')}`)
        held = false
        return HttpResponse.json({ id: OLD_ORDER, status: 'closed' })
      }),
    )
    rememberOrder(OLD_ORDER, { body: { year: 2027, channel: 'native', people: [{ kind: 'self' }] }, jsapi: null })
    const { wrapper } = await mountPage()
    const open = wrapper.findAll('[data-testid="pay-open-order"]')
    expect(open).toHaveLength(1)
    expect(open[0]!.get('h2').text()).toBe('待支付的订单')
    expect(open[0]!.text()).toContain('胡*、孙**已在您的一笔待支付订单中（2026-11-23 08:14前有效）。您可以继续支付这笔订单，或取消后重新选择。')
    expect(open[0]!.get('[data-testid="pay-open-resume"]').text()).toBe('继续支付')
    expect(open[0]!.get('[data-testid="pay-open-resume"]').attributes('href')).toBe(`/pay/orders/${OLD_ORDER}`)
    expect(wrapper.findAll('[data-testid="pay-held-mine"]').map(p => p.text())).toEqual(['在您待支付的订单中', '在您待支付的订单中'])
    // Still payable: ordering again closes the old order on the server's side.
    expect((wrapper.get('[data-testid="pay-pick-self"]').element as HTMLInputElement).disabled).toBe(false)
    expect((wrapper.get(`[data-testid="pay-pick-member:${MEMBER}"]`).element as HTMLInputElement).disabled).toBe(false)

    await open[0]!.get('[data-testid="pay-open-cancel"]').trigger('click')
    await flushPromises()
    expect(calls).toEqual(['quote', 'close:csrf', 'quote'])
    expect(wrapper.find('[data-testid="pay-open-order"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="pay-held-mine"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="pay-open-notice"]').text()).toBe('订单已取消，未扣款。可重新选择缴费人员。')
    expect(recallOrder(OLD_ORDER)).toBeNull()
    wrapper.unmount()
  })

  it('orders anyway while the payer\'s own order holds the person, and forgets the old order once the new one '
    + 'exists', async () => {
    bff()
    const mine = { mine: true as const, orderId: OLD_ORDER, expiresAt: EXPIRES }
    server.use(http.post('*/api/v1/payments/quotes', async ({ request }) => {
      const { people } = await request.json() as { people: { kind: string }[] }
      return HttpResponse.json(quoteOf(people, mine, null, 'paid'))
    }))
    replies = [created('native')]
    rememberOrder(OLD_ORDER, { body: { year: 2027, channel: 'native', people: [{ kind: 'self' }] }, jsapi: null })
    const { wrapper, router } = await mountPage()
    expect(wrapper.get('[data-testid="pay-total"]').text()).toBe('共1人，合计 ¥400.00')
    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()
    expect(orders.map(o => o.body.people)).toEqual([[{ kind: 'self' }]])
    expect(router.currentRoute.value.path).toBe('/pay/orders/0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912')
    expect(recallOrder(OLD_ORDER)).toBeNull()
    wrapper.unmount()
  })

  it('keeps a person held by another payer\'s order out, says until when, and shows a PERSON_IN_OPEN_ORDER '
    + 'refusal inline', async () => {
    let otherHolds = false
    const other = () => (otherHolds ? { mine: false as const, orderId: null, expiresAt: EXPIRES } : null)
    bff()
    server.use(http.post('*/api/v1/payments/quotes', async ({ request }) => {
      const { people } = await request.json() as { people: { kind: string }[] }
      return HttpResponse.json(quoteOf(people, null, other()))
    }))
    const refusal = '孙**（370503********5164）已在他人发起的一笔待支付订单中，请等该订单支付或关闭（最长30分钟）后再缴费，以免重复扣款'
    replies = [() => {
      // Another payer got there first (a race the quote could not show).
      otherHolds = true
      const fields = { '370503********5164': 'held' }
      const error = { code: 'PERSON_IN_OPEN_ORDER', message: refusal, requestId: 'req-9', fields }
      return HttpResponse.json({ error }, { status: 409 })
    }]
    const { wrapper } = await mountPage()
    const kid = wrapper.get(`[data-testid="pay-pick-member:${MEMBER}"]`)
    const self = wrapper.get('[data-testid="pay-pick-self"]')
    await self.setValue(false)
    await kid.setValue(true)
    expect(wrapper.get('[data-testid="pay-total"]').text()).toBe('共1人，合计 ¥380.00')
    await wrapper.get('[data-testid="pay-confirm"]').trigger('click')
    await flushPromises()

    // The refusal stays on screen after the new quote, which shows who holds the child and until when.
    const alert = wrapper.get('[data-testid="pay-error"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toContain(refusal)
    // A 409 the person can act on: no request id.
    expect(alert.text()).not.toContain('req-9')
    expect((kid.element as HTMLInputElement).disabled).toBe(true)
    expect((kid.element as HTMLInputElement).checked).toBe(false)
    expect(wrapper.get('[data-testid="pay-held-other"]').text())
      .toBe('该人员已有他人发起的待支付订单，2026-11-23 08:14前不能为其缴费；若该订单届时未支付，可再来缴费。')
    expect(wrapper.find('[data-testid="pay-open-order"]').exists()).toBe(false)
    // Nobody is added behind the payer's back: oneself stays unpicked, so there is nothing to confirm.
    expect((self.element as HTMLInputElement).checked).toBe(false)
    expect(wrapper.get('[data-testid="pay-total"]').text()).toBe('共0人，合计 ¥0.00')
    expect(wrapper.get('[data-testid="pay-confirm"]').attributes('disabled')).toBeDefined()
    expect(orders).toHaveLength(1)
    wrapper.unmount()
  })

  it('为他人代缴: a person whose name and ID number pass the checks is asked about, added and chosen', async () => {
    bff()
    const asked: { kind: string, certNo?: string }[][] = []
    server.use(http.post('*/api/v1/payments/quotes', async ({ request }) => {
      const { people } = await request.json() as { people: { kind: string, certNo?: string }[] }
      asked.push(people)
      return HttpResponse.json({
        year: 2027,
        totalFen: 0,
        lines: people.map(p => p.kind === 'other'
          ? line('张**', '370502********0420', 'proxy', 'payable', 38_000)
          : quoteOf([p], null, null).lines[0]),
      })
    }))
    const { wrapper } = await mountPage()
    const before = asked.length
    await wrapper.get('[name="name"]').setValue('张秀英')
    await wrapper.get('[name="certNo"]').setValue('370502198603150420')
    await wrapper.get('[data-testid="pay-add-other"]').trigger('submit')
    await vi.waitFor(() => expect(asked).toHaveLength(before + 1))
    await flushPromises()
    expect(asked[before]).toEqual([{ kind: 'other', name: '张秀英', certNo: '370502198603150420' }])
    expect((wrapper.get('[name="certNo"]').element as HTMLInputElement).value).toBe('')
    expect(wrapper.get('[data-testid="pay-total"]').text()).toBe('共2人，合计 ¥780.00')
    wrapper.unmount()
  })

  it('while the amounts are asked, keeps their lines free and shows nothing below the people that could jump', async () => {
    bff()
    let answer!: () => void
    const answered = new Promise<void>((resolve) => {
      answer = resolve
    })
    server.use(http.post('*/api/v1/payments/quotes', async ({ request }) => {
      const { people } = await request.json() as { people: { kind: string }[] }
      await answered
      return HttpResponse.json(quoteOf(people, null, null))
    }))
    const { wrapper } = await mountPage()
    const people = wrapper.findAll('[data-testid="pay-person"]')
    expect(people).toHaveLength(2)
    for (const person of people) {
      expect(person.findAll('.pay__due > p[aria-hidden="true"]').map(p => p.classes()[0])).toEqual(['pay__amounts', 'pay__status'])
    }
    for (const id of ['pay-add-other', 'pay-total', 'pay-confirm', 'pay-records']) {
      expect(wrapper.find(`[data-testid="${id}"]`).exists(), id).toBe(false)
    }
    answer()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="pay-total"]').exists()).toBe(true))
    expect(wrapper.findAll('.pay__due > p[aria-hidden="true"]')).toHaveLength(0)
    expect(wrapper.findAll('[data-testid="pay-status"]')).toHaveLength(2)
    expect(wrapper.find('[data-testid="pay-records"]').exists()).toBe(true)
    wrapper.unmount()
  })
})
