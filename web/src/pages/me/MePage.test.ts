import type { SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import MePage from './MePage.vue'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '王**', certNo: '370502********0421', regionCode: '370502' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: null }

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  server.resetHandlers()
  document.body.innerHTML = ''
})
afterAll(() => server.close())

async function mountPage() {
  server.use(
    http.get('*/api/v1/session', () => HttpResponse.json(resident)),
    http.get('*/api/v1/session/all', () => HttpResponse.json([])),
  )
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/me', component: MePage }, { path: '/:rest(.*)', component: { render: () => h('p') } }] })
  await router.push('/me')
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('MePage (我的)', () => {
  it('keeps the masked ID number on one line (长辈版 too): the number never wraps, its cell gives it the room', async () => {
    const wrapper = await mountPage()
    const account = wrapper.get('[data-testid="account"]')
    const number = account.get('.nowrap-number')
    expect(number.text()).toBe('370502********0421')
    expect(account.get('.van-cell__value').classes()).toContain('cell-value--fit')
    // The name is its own piece, free to go on a line of its own before the number.
    expect(account.get('.van-cell__value').text()).toBe('王** 370502********0421')
    wrapper.unmount()
  })

  it('confirms 退出所有设备 in place (no pop-up), and says a refusal in place (no toast)', async () => {
    const wrapper = await mountPage()
    let calls = 0
    server.use(http.post('*/api/v1/session/sign-out-everywhere', () => {
      calls += 1
      return HttpResponse.json({ error: { code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试', requestId: 'r' } }, { status: 429 })
    }))
    await wrapper.get('[data-testid="sign-out-everywhere"]').trigger('click')
    expect(wrapper.get('[data-testid="confirm-in-place"]').text()).toContain('将退出您在所有手机和电脑上的登录，确定吗？')
    expect(document.querySelector('.van-dialog')).toBeNull()
    await wrapper.get('[data-testid="confirm-no"]').trigger('click')
    expect(calls).toBe(0)
    await wrapper.get('[data-testid="sign-out-everywhere"]').trigger('click')
    await wrapper.get('[data-testid="confirm-yes"]').trigger('click')
    await flushPromises()
    expect(calls).toBe(1)
    expect(wrapper.get('[data-testid="me-failure"]').text()).toBe('操作太频繁，请稍后再试')
    expect(document.querySelector('.van-toast')).toBeNull()
    wrapper.unmount()
  })
})
