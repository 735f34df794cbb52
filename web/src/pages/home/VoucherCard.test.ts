import type { ApiErrorBody, PersonProfile, SessionView } from '@yibao/shared'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { i18n } from '../../i18n'
import VoucherCard from './VoucherCard.vue'

const profile: PersonProfile = {
  name: '张**',
  certNo: '370502********1221',
  sex: 'female',
  birthDate: '1990-03-15',
  age: 36,
  regionCode: '370502',
  enrolments: [{ insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', status: 'active', statusLabel: '正常参保', since: '2016-01-01', pausedOn: null, regionCode: '370502', balance: 0, unitName: null }],
  statuses: [],
}

const signedIn: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '张**', certNo: '370502********1221', regionCode: '370502' }, pending: null, staff: null, sandboxSmsInbox: null }
const anonymous: SessionView = { ...signedIn, authenticated: false, kind: null, csrfToken: null, resident: null }

let voucherCalls = 0
/** The BFF's e-voucher endpoint: a new opaque token on every call. */
function eVoucherHandler(ttlSeconds = 60) {
  return http.get('*/api/v1/me/e-voucher', () => {
    voucherCalls += 1
    return HttpResponse.json({ token: `YB1.payload${voucherCalls}.mac${voucherCalls}`, expiresAt: '2026-11-22T12:01:00.000+08:00', ttlSeconds })
  })
}

const server = setupServer(http.get('*/api/v1/session', () => HttpResponse.json(signedIn)), eVoucherHandler())
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => {
  setActivePinia(createPinia())
  voucherCalls = 0
})

const mounted: { unmount: () => void }[] = []
afterEach(() => {
  // A card left mounted keeps its QR timers and visibility listener: unmount every one.
  for (const w of mounted.splice(0)) w.unmount()
})

function mountCard() {
  const wrapper = mount(VoucherCard, { global: { plugins: [i18n], stubs: { RouterLink: RouterLinkStub } } })
  mounted.push(wrapper)
  return wrapper
}

describe('VoucherCard', () => {
  it('shows the masked name, ID number and enrolment status from the BFF', async () => {
    server.use(http.get('*/api/v1/me/profile', () => HttpResponse.json(profile)))
    const wrapper = mountCard()
    await nextTick()
    expect(wrapper.text()).toContain('正在查询参保信息')
    await flushPromises()
    expect(wrapper.get('[data-testid="resident-name"]').text()).toBe('张**')
    expect(wrapper.get('[data-testid="resident-cert"]').text()).toBe('370502********1221')
    expect(wrapper.get('[data-testid="enrolment-status"]').text()).toBe('正常参保')
  })

  it('asks someone who is not signed in to sign in, without calling for personal data', async () => {
    let profileCalls = 0
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(anonymous)),
      http.get('*/api/v1/me/profile', () => {
        profileCalls += 1
        return HttpResponse.json(profile)
      }),
    )
    const wrapper = mountCard()
    await flushPromises()
    expect(wrapper.text()).toContain('登录后查看本人的医保电子凭证和参保信息')
    expect(wrapper.find('[data-testid="sign-in"]').exists()).toBe(true)
    expect(profileCalls).toBe(0)
  })

  it('shows the Chinese error, the request id and a retry button when the bureau is down', async () => {
    const body: ApiErrorBody = { error: { code: 'UPSTREAM_TIMEOUT', message: '医保信息平台响应超时，请稍后再试', requestId: 'req-123' } }
    server.use(http.get('*/api/v1/me/profile', () => HttpResponse.json(body, { status: 504 }), { once: true }))
    const wrapper = mountCard()
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('医保信息平台响应超时，请稍后再试')
    expect(wrapper.text()).toContain('如需帮助请提供编号 req-123')

    server.use(http.get('*/api/v1/me/profile', () => HttpResponse.json(profile)))
    await wrapper.get('button').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="resident-name"]').text()).toBe('张**')
  })
})

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true })
  document.dispatchEvent(new Event('visibilitychange'))
}

describe('医保电子凭证 QR code', () => {
  afterEach(() => {
    vi.useRealTimers()
    setVisibility('visible')
  })

  it('draws the token as a QR image with a text alternative and a visible countdown', async () => {
    server.use(http.get('*/api/v1/me/profile', () => HttpResponse.json(profile)))
    const wrapper = mountCard()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="evoucher-qr"]').exists()).toBe(true))
    const img = wrapper.get('[data-testid="evoucher-qr"]')
    expect(img.attributes('alt')).toBe('医保电子凭证二维码，60秒内有效')
    expect(img.attributes('src')).toMatch(/^data:image\/svg\+xml/)
    // The QR holds the opaque token only (the SVG draws modules, it never spells out the data).
    expect(decodeURIComponent(img.attributes('src')!)).not.toContain('张')
    expect(wrapper.get('[data-testid="evoucher-countdown"]').text()).toBe('60秒后自动刷新')
    expect(wrapper.get('[data-testid="evoucher-countdown"]').attributes('role')).toBe('timer')
    expect(voucherCalls).toBe(1)
    // One tap on the code opens it full screen.
    const open = wrapper.getComponent(RouterLinkStub)
    expect(open.props('to')).toBe('/e-voucher')
    expect(open.attributes('aria-label')).toBe('全屏出示医保码')
    expect(open.find('[data-testid="evoucher-qr"]').exists()).toBe(true)
  })

  it('asks for a new token 10 s before expiry, so the code changes, and not while the page is hidden', async () => {
    server.use(http.get('*/api/v1/me/profile', () => HttpResponse.json(profile)))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], shouldAdvanceTime: true })
    const wrapper = mountCard()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="evoucher-qr"]').exists()).toBe(true))
    const first = wrapper.get('[data-testid="evoucher-qr"]').attributes('src')
    await vi.advanceTimersByTimeAsync(5_000)
    expect(wrapper.get('[data-testid="evoucher-countdown"]').text()).toMatch(/^5[45]秒后自动刷新$/)
    expect(voucherCalls).toBe(1)
    await vi.advanceTimersByTimeAsync(46_000)
    await vi.waitFor(() => expect(voucherCalls).toBe(2))
    await vi.waitFor(() => expect(wrapper.get('[data-testid="evoucher-qr"]').attributes('src')).not.toBe(first))

    // Hidden: the timers stop, however long it stays hidden.
    setVisibility('hidden')
    await vi.advanceTimersByTimeAsync(120_000)
    expect(voucherCalls).toBe(2)
    // Back: the code has expired meanwhile, so a new one is fetched at once.
    setVisibility('visible')
    await vi.waitFor(() => expect(voucherCalls).toBe(3))
  })

  it('lets the resident refresh by hand, and does not ask for a token when nobody is signed in', async () => {
    server.use(http.get('*/api/v1/me/profile', () => HttpResponse.json(profile)))
    const wrapper = mountCard()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="evoucher-qr"]').exists()).toBe(true))
    await wrapper.get('[data-testid="evoucher-refresh"]').trigger('click')
    await vi.waitFor(() => expect(voucherCalls).toBe(2))

    server.use(http.get('*/api/v1/session', () => HttpResponse.json(anonymous)))
    setActivePinia(createPinia())
    const anon = mountCard()
    await flushPromises()
    expect(anon.find('[data-testid="evoucher"]').exists()).toBe(false)
    expect(voucherCalls).toBe(2)
  })
})
