import type { SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import LoginPage from './LoginPage.vue'

// The form's checks are a chunk of their own, loaded on first use: here it cannot be fetched (a dropped
// connection, or a chunk gone after a deploy).
vi.mock('./login-checks', () => {
  throw new TypeError('Failed to fetch dynamically imported module')
})

const anonymous: SessionView = {
  authenticated: false,
  kind: null,
  csrfToken: null,
  resident: null,
  pending: null,
  staff: null,
  sandboxSmsInbox: null,
}
const sent: string[] = []
const server = setupServer(
  http.get('*/api/v1/session', () => HttpResponse.json(anonymous)),
  http.post('*/api/v1/auth/*', ({ request }) => {
    sent.push(new URL(request.url).pathname)
    return HttpResponse.json({ sent: true, expiresInSeconds: 300, resendAfterSeconds: 60 })
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe('LoginPage when its form checks cannot load', () => {
  it('says so above the button, sends nothing, and frees the buttons for another try', async () => {
    setActivePinia(createPinia())
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/login', component: LoginPage }] })
    await router.push('/login')
    const global = { plugins: [i18n, router] }
    const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
    await flushPromises()
    await wrapper.get('[name="phone"]').setValue('13905460001')
    await wrapper.get('[data-testid="send-code"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('登录失败，请稍后再试')
    expect(sent).toEqual([])
    expect(wrapper.get('[data-testid="send-code"]').attributes('disabled')).toBeUndefined()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(sent).toEqual([])
    wrapper.unmount()
  })
})
