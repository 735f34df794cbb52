import type { ConsentState } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia } from 'pinia'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import App from '../App.vue'
import { i18n } from '../i18n'
import { createAppRouter } from '.'
import { AGREED, ASKED, residentWithConsent } from '../testing/consent'

const asked = ASKED
const agreed = AGREED
const resident = (consent: ConsentState) => residentWithConsent(consent, '610322********0281')

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }))
afterEach(() => {
  server.resetHandlers()
  document.body.innerHTML = ''
})
afterAll(() => server.close())

function open(path: string) {
  window.history.replaceState(null, '', path)
  const router = createAppRouter()
  const wrapper = mount(App, { global: { plugins: [createPinia(), router, i18n] }, attachTo: document.body })
  return { router, wrapper }
}

describe('the consent the app asks for before anything else', () => {
  it('sends a signed-in resident who has not agreed to the consent page first, the page they wanted kept', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident(asked))),
      http.get('*/api/v1/me/consent', () => HttpResponse.json(asked)),
    )
    const { router, wrapper } = open('/coverage?member=self')
    await router.isReady()
    expect(router.currentRoute.value.name).toBe('consent')
    expect(router.currentRoute.value.query).toEqual({ redirect: '/coverage?member=self' })
    // Signing in and the public checks stay open.
    await router.push('/receipts/verify')
    expect(router.currentRoute.value.name).toBe('receipt-verify')
    await router.push('/me')
    expect(router.currentRoute.value.name).toBe('consent')
    await flushPromises()
    wrapper.unmount()
  })

  it('asks too on a page open to anyone (我的) that learns only once it is open that consent is missing', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident(asked))),
      http.get('*/api/v1/session/all', () => HttpResponse.json([])),
      http.get('*/api/v1/me/consent', () => HttpResponse.json(asked)),
    )
    const { router, wrapper } = open('/me')
    await router.isReady()
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('consent'), { timeout: 5000 })
    expect(router.currentRoute.value.query).toEqual({ redirect: '/me' })
    await flushPromises()
    wrapper.unmount()
  })

  it('lets a resident who agreed go where they wanted', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident(agreed))),
      http.get('*/api/v1/me/access-log', () => HttpResponse.json([])),
    )
    const { router, wrapper } = open('/me/access-log')
    await router.isReady()
    expect(router.currentRoute.value.name).toBe('access-log')
    await flushPromises()
    wrapper.unmount()
  })

  it('goes to the consent page when a page\'s call is refused for want of consent (a new version)', async () => {
    let version = agreed
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(resident(version))),
      http.get('*/api/v1/me/consent', () => HttpResponse.json(version)),
      http.get('*/api/v1/me/access-log', () => {
        version = { ...agreed, version: '2027-03-01', required: true }
        return HttpResponse.json({ error: { code: 'CONSENT_REQUIRED', message: '请先阅读并同意用户协议和隐私政策' } }, { status: 403 })
      }),
    )
    const { router, wrapper } = open('/me/access-log')
    await router.isReady()
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('consent'), { timeout: 5000 })
    expect(router.currentRoute.value.query).toEqual({ redirect: '/me/access-log' })
    await vi.waitFor(() => expect(document.body.textContent).toContain('用户协议和隐私政策已更新（2027-03-01版）'))
    wrapper.unmount()
  })
})
