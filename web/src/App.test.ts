import type { SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { delay, http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia } from 'pinia'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import App from './App.vue'
import { i18n } from './i18n'
import { createAppRouter } from './router'

const resident: SessionView = {
  authenticated: true,
  kind: 'resident',
  csrfToken: 'csrf',
  resident: { name: '王**', certNo: '610322********0281', regionCode: '610322' },
  pending: null,
  staff: null,
  sandboxSmsInbox: null,
  sandboxWechatPay: null,
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

describe('the app shell on a deep link', () => {
  it('shows the page\'s title and a skeleton while the session call is out, never a blank page', async () => {
    let answer!: () => void
    const answered = new Promise<void>((resolve) => {
      answer = resolve
    })
    server.use(http.get('*/api/v1/session', async () => {
      await answered
      return HttpResponse.json(resident)
    }), http.get('*/api/v1/*', async () => {
      await delay('infinite')
      return HttpResponse.json({})
    }))
    window.history.replaceState(null, '', '/coverage')
    const router = createAppRouter()
    const wrapper = mount(App, { global: { plugins: [createPinia(), router, i18n] }, attachTo: document.body })
    await flushPromises()
    const skeleton = wrapper.find('[data-testid="page-skeleton"]')
    expect(skeleton.exists()).toBe(true)
    expect(skeleton.attributes('role')).toBe('status')
    expect(skeleton.text()).toBe('正在加载…')
    expect(wrapper.find('.van-nav-bar__title').text()).toBe('参保查询')

    answer()
    await router.isReady()
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('coverage')
    expect(wrapper.find('[data-testid="page-skeleton"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('sends a resident whose session ended under a page to sign in, and says why (登录已过期)', async () => {
    // The session is found over at the first page call; from then on the BFF knows nobody.
    let ended = false
    const anonymous = { ...resident, authenticated: false, kind: null, csrfToken: null, resident: null }
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(ended ? anonymous : resident)),
      http.get('*/api/v1/*', () => {
        ended = true
        return HttpResponse.json(
          { error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录', requestId: 'req-401' } },
          { status: 401 },
        )
      }),
    )
    window.history.replaceState(null, '', '/coverage?member=self')
    const router = createAppRouter()
    const wrapper = mount(App, { global: { plugins: [createPinia(), router, i18n] }, attachTo: document.body })
    await router.isReady()
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'), { timeout: 5000 })
    expect(router.currentRoute.value.query).toEqual({ redirect: '/coverage?member=self', expired: '1' })
    wrapper.unmount()
  })
})
