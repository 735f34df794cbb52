import type { SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { i18n } from '../../i18n'
import { useSessionStore } from '../../stores/session'
import EVoucherPage from './EVoucherPage.vue'

const signedIn: SessionView = {
  authenticated: true,
  kind: 'resident',
  csrfToken: 'csrf',
  resident: { name: '张**', certNo: '370502********1221', regionCode: '370502' },
  pending: null,
  staff: null,
  sandboxSmsInbox: null,
}
let voucherCalls = 0
const server = setupServer(
  http.get('*/api/v1/session', () => HttpResponse.json(signedIn)),
  http.get('*/api/v1/me/e-voucher', () => {
    voucherCalls += 1
    return HttpResponse.json({ token: `YB1.p${voucherCalls}.m`, expiresAt: '2026-11-22T12:01:00.000+08:00', ttlSeconds: 60 })
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

/** The browser's Screen Wake Lock, as a stand-in the test can watch (the page under test is ours, not the API). */
class FakeWakeLock {
  requests = 0
  sentinels: { released: boolean, release: () => Promise<void>, fire: () => void }[] = []
  async request(type: 'screen') {
    expect(type).toBe('screen')
    this.requests += 1
    const listeners: (() => void)[] = []
    const sentinel = {
      released: false,
      async release() {
        sentinel.released = true
        for (const l of listeners) l()
      },
      addEventListener: (_: 'release', l: () => void) => void listeners.push(l),
      fire: () => void sentinel.release(),
    }
    this.sentinels.push(sentinel)
    return sentinel
  }
}

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true })
  document.dispatchEvent(new Event('visibilitychange'))
}

async function mountPage() {
  await useSessionStore().load()
  return mount(EVoucherPage, { global: { plugins: [i18n] } })
}

beforeEach(() => {
  setActivePinia(createPinia())
  voucherCalls = 0
})
afterEach(() => {
  setVisibility('visible')
  Reflect.deleteProperty(navigator, 'wakeLock')
})

describe('医保码 full screen', () => {
  it('shows the code large with whose it is, says a screenshot is useless, and keeps the screen on', async () => {
    const lock = new FakeWakeLock()
    Object.defineProperty(navigator, 'wakeLock', { value: lock, configurable: true })
    const wrapper = await mountPage()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="evoucher-qr"]').exists()).toBe(true))
    expect(wrapper.get('h1').text()).toBe('医保码')
    expect(wrapper.get('[data-testid="evoucher-who"]').text()).toBe('张** · 370502********1221')
    expect(wrapper.get('[data-testid="evoucher-screenshot"]').text()).toContain('截图或照片过期后无法使用')
    await flushPromises()
    expect(lock.requests).toBe(1)
    expect(wrapper.get('[data-testid="evoucher-awake"]').text()).toBe('出示期间屏幕保持常亮。')

    // The browser drops the lock when the page is hidden; coming back asks again (and renews the code if due).
    setVisibility('hidden')
    lock.sentinels[0]!.fire()
    await flushPromises()
    expect(wrapper.get('[data-testid="evoucher-awake"]').text()).toBe('出示时请保持屏幕亮起。')
    setVisibility('visible')
    await flushPromises()
    expect(lock.requests).toBe(2)
    expect(wrapper.get('[data-testid="evoucher-awake"]').text()).toBe('出示期间屏幕保持常亮。')

    wrapper.unmount()
    await flushPromises()
    expect(lock.sentinels[1]!.released).toBe(true)
  })

  it('works where the browser has no wake lock, and says to keep the screen on', async () => {
    const wrapper = await mountPage()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="evoucher-qr"]').exists()).toBe(true))
    expect(wrapper.get('[data-testid="evoucher-awake"]').text()).toBe('出示时请保持屏幕亮起。')
    expect(voucherCalls).toBe(1)
    wrapper.unmount()
  })
})
