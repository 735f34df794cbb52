import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import { createAppRouter } from '../../router'
import SlipVerifyPage from './SlipVerifyPage.vue'

const CODE = '7K2M-9QXA-B3TD'
const SETL_ID = '52273220250820000012'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

/** What the BFF was asked (path code and query), and its answer. */
let asked: { code: string, query: Record<string, string> }[] = []
function bff(answer: () => Response) {
  asked = []
  server.use(http.get('*/api/v1/slips/verify/:code', ({ params, request }) => {
    asked.push({ code: String(params.code), query: Object.fromEntries(new URL(request.url).searchParams) })
    return answer()
  }))
}

async function mountPage(url: string) {
  const routes = [
    { path: '/slips/verify', component: SlipVerifyPage },
    { path: '/receipts/verify', component: { render: () => h('p', 'receipts') } },
  ]
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push(url)
  const global = { plugins: [i18n, router] }
  const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

async function fill(wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper'], values: Record<string, string>) {
  const inputs: Record<string, string> = {
    code: '[data-testid="slip-check-code"] input',
    setlId: '[data-testid="slip-check-setl-id"] input',
    total: '#slip-check-total',
    personalCash: '#slip-check-cash',
  }
  for (const [name, value] of Object.entries(values)) await wrapper.get(inputs[name]!).setValue(value)
}

async function submit(wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper']) {
  await wrapper.get('form').trigger('submit')
  await flushPromises()
}

describe('SlipVerifyPage (结算单核验, public)', () => {
  it('takes code and slip id from the QR code, amounts as printed, and says 真实 with what was checked', async () => {
    bff(() => HttpResponse.json({ valid: true }))
    const { wrapper, router } = await mountPage(`/slips/verify?code=${CODE}&setlId=${SETL_ID}`)
    expect(wrapper.get('h1').text()).toBe('结算单核验')
    expect(wrapper.get('[data-testid="slip-check-prefilled"]').text()).toContain('请照结算单填写两项金额')
    expect((wrapper.get('[data-testid="slip-check-code"] input').element as HTMLInputElement).value).toBe(CODE)
    expect((wrapper.get('[data-testid="slip-check-setl-id"] input').element as HTMLInputElement).value).toBe(SETL_ID)
    // Nothing is asked before the amounts are there.
    expect(asked).toEqual([])

    // As printed on the slip, and on a Chinese keyboard.
    await fill(wrapper, { total: '¥68,000.00', personalCash: '８９７５．６２' })
    await submit(wrapper)
    expect(asked).toEqual([{ code: CODE, query: { setlId: SETL_ID, total: '68000.00', personalCash: '8975.62' } }])
    const card = wrapper.get('[data-testid="slip-check-valid"]')
    expect(card.text()).toContain('校验码相符，结算单真实')
    expect(card.get('[data-testid="slip-check-fact-code"]').text()).toBe(CODE)
    expect(card.get('[data-testid="slip-check-fact-setl-id"]').text()).toBe(SETL_ID)
    expect(card.get('[data-testid="slip-check-fact-total"]').text()).toBe('¥68,000.00')
    expect(card.get('[data-testid="slip-check-fact-cash"]').text()).toBe('¥8,975.62')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    // The result is announced by moving focus to it.
    expect(document.activeElement?.id).toBe('slip-check-result')
    // The amounts never go into the address.
    expect(router.currentRoute.value.query).toEqual({ code: CODE, setlId: SETL_ID })
    wrapper.unmount()
  })

  it('says 未找到相符的结算单 clearly when the code does not match those figures', async () => {
    bff(() => HttpResponse.json({ valid: false }))
    const { wrapper, router } = await mountPage('/slips/verify')
    expect(wrapper.find('[data-testid="slip-check-prefilled"]').exists()).toBe(false)
    // Typed by hand: lower case and without hyphens is the same code.
    await fill(wrapper, { code: '7k2m 9qxa b3td', setlId: ` ${SETL_ID} `, total: '68000', personalCash: '8975.60' })
    await submit(wrapper)
    expect(asked).toEqual([{ code: CODE, query: { setlId: SETL_ID, total: '68000', personalCash: '8975.60' } }])
    const missing = wrapper.get('[data-testid="slip-check-not-found"]')
    expect(missing.attributes('role')).toBe('alert')
    expect(missing.text()).toContain('未找到相符的结算单')
    expect(missing.text()).toContain('结算单可能被改动过')
    expect(wrapper.find('[data-testid="slip-check-valid"]').exists()).toBe(false)
    expect(router.currentRoute.value.query).toEqual({ code: CODE, setlId: SETL_ID })
    wrapper.unmount()
  })

  it('checks the form with the shared schema first: Chinese messages on the fields, nothing sent', async () => {
    bff(() => HttpResponse.json({ valid: true }))
    const { wrapper } = await mountPage('/slips/verify')
    await fill(wrapper, { code: 'ABC', total: '12.345' })
    await submit(wrapper)
    expect(asked).toEqual([])
    const text = wrapper.text()
    expect(text).toContain('校验码应为12位字母和数字')
    expect(text).toContain('请填写结算编号')
    expect(text).toContain('医疗费总额应为金额，最多两位小数')
    expect(text).toContain('请填写个人现金支付')
    wrapper.unmount()
  })

  it('says plainly that there were too many checks, with no request id, when the BFF limits them (429)', async () => {
    const limited = { error: { code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试', requestId: 'req-9' } }
    bff(() => HttpResponse.json(limited, { status: 429 }))
    const { wrapper } = await mountPage(`/slips/verify?code=${CODE}&setlId=${SETL_ID}`)
    await fill(wrapper, { total: '68000.00', personalCash: '8975.62' })
    await submit(wrapper)
    const notice = wrapper.get('[data-testid="slip-check-error"]')
    expect(notice.attributes('role')).toBe('alert')
    expect(notice.text()).toContain('操作太频繁，请稍后再试')
    expect(notice.text()).toContain('请1分钟后再试')
    // A 429 is not a failure to report: no request id.
    expect(notice.text()).not.toContain('req-9')
    expect(wrapper.find('[data-testid="slip-check-valid"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="slip-check-not-found"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('says a failure of the service as such, not as 未找到', async () => {
    const busy = { error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试', requestId: 'req-5' } }
    bff(() => HttpResponse.json(busy, { status: 500 }))
    const { wrapper } = await mountPage(`/slips/verify?code=${CODE}&setlId=${SETL_ID}`)
    await fill(wrapper, { total: '68000.00', personalCash: '8975.62' })
    await submit(wrapper)
    expect(wrapper.get('[data-testid="slip-check-error"]').text()).toContain('系统繁忙，请稍后再试')
    expect(wrapper.text()).not.toContain('请1分钟后再试')
    expect(wrapper.find('[data-testid="slip-check-not-found"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('links to the receipt check', async () => {
    const { wrapper } = await mountPage('/slips/verify')
    expect(wrapper.get('[data-testid="receipt-verify-link"]').attributes('href')).toBe('/receipts/verify')
    wrapper.unmount()
  })
})

describe('/slips/verify in the app\'s router', () => {
  it('opens without signing in, as its own lazily loaded page (not a slip with the id "verify")', async () => {
    setActivePinia(createPinia())
    const router = createAppRouter()
    // Loaded on first visit, outside the entry bundle.
    expect(typeof router.getRoutes().find(r => r.name === 'slip-verify')!.components!.default).toBe('function')
    await router.push(`/slips/verify?code=${CODE}&setlId=${SETL_ID}`)
    const route = router.currentRoute.value
    expect(route.name).toBe('slip-verify')
    expect(route.meta.requiresAuth).toBeFalsy()
    expect(route.meta.titleKey).toBe('slipVerify.title')
    expect(route.matched[0]!.components!.default).toBe((await import('./SlipVerifyPage.vue')).default)
  })
})
