import type { SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { CONSENT_VERSION } from '@yibao/shared'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import MePage from './MePage.vue'

const resident: SessionView = {
  authenticated: true,
  kind: 'resident',
  csrfToken: 'csrf',
  resident: {
    name: '王**',
    certNo: '370502********0421',
    regionCode: '370502',
    consent: {
      version: CONSENT_VERSION,
      required: false,
      agreed: {
        version: CONSENT_VERSION,
        at: '2026-11-15T10:02:00.000+08:00',
        general: true,
        sensitive: true,
        channel: 'wechat',
      },
      withdrawnAt: null,
    },
  },
  pending: null,
  staff: null,
  sandboxSmsInbox: null,
  sandboxWechatPay: null,
}
const anonymous: SessionView = { ...resident, authenticated: false, kind: null, csrfToken: null, resident: null }

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  server.resetHandlers()
  document.body.innerHTML = ''
})
afterAll(() => server.close())

/** 我的 of a signed-in resident who agreed; `withdrawals` counts what reached the BFF. */
async function mountPage() {
  let view = resident
  const calls = { withdrawals: 0 }
  server.use(
    http.get('*/api/v1/session', () => HttpResponse.json(view)),
    http.get('*/api/v1/session/all', () => HttpResponse.json([])),
    http.post('*/api/v1/me/consent/withdraw', () => {
      calls.withdrawals += 1
      view = anonymous
      return HttpResponse.json({ ok: true })
    }),
  )
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/me', component: MePage }, { path: '/:rest(.*)', component: { render: () => h('p') } }],
  })
  await router.push('/me')
  const global = { plugins: [i18n, router] }
  const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
  await flushPromises()
  return { wrapper, calls }
}

describe('我的 → 用户协议与隐私政策', () => {
  it('shows the version and time agreed to, with the documents to read again', async () => {
    const { wrapper } = await mountPage()
    const status = wrapper.get('[data-testid="consent-status"]')
    expect(status.text()).toContain(`已同意${CONSENT_VERSION}版`)
    expect(status.text()).toContain('同意时间：2026-11-15 10:02')
    expect(wrapper.get('[data-testid="read-terms"]').text()).toBe('阅读用户协议')
    expect(wrapper.get('[data-testid="read-privacy"]').text()).toBe('阅读隐私政策')
    wrapper.unmount()
  })

  it('explains what withdrawing means in place, and withdraws only when confirmed, saying so in place', async () => {
    const { wrapper, calls } = await mountPage()
    await wrapper.get('[data-testid="consent-withdraw"]').trigger('click')
    await flushPromises()
    const confirm = wrapper.get('[data-testid="consent-withdraw-confirm"]')
    expect(confirm.attributes('role')).toBe('group')
    const text = confirm.text()
    expect(text).toContain('在所有设备上退出登录，本应用立即停止处理您的个人信息')
    expect(text).toContain('医保部门和税务部门依法保存的参保、缴费和就医记录不受影响')
    expect(text).toContain('如需注销账号并删除本应用保存的信息，请拨打12393')
    expect(document.activeElement).toBe(confirm.get('p').element)

    // 暂不撤回 changes nothing.
    await wrapper.get('[data-testid="consent-withdraw-no"]').trigger('click')
    expect(wrapper.find('[data-testid="consent-withdraw-confirm"]').exists()).toBe(false)
    expect(calls.withdrawals).toBe(0)

    await wrapper.get('[data-testid="consent-withdraw"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="consent-withdraw-yes"]').trigger('click')
    await flushPromises()
    expect(calls.withdrawals).toBe(1)
    const done = wrapper.get('[data-testid="consent-withdrawn"]')
    expect(done.text()).toBe('您已撤回同意，并已在所有设备上退出登录。本应用已停止处理您的个人信息。')
    expect(done.attributes('role')).toBe('status')
    expect(document.activeElement).toBe(done.element)
    // Signed out: 我的 offers to sign in again.
    expect(wrapper.find('[data-testid="sign-in"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="consent-status"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
