import type { SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { lastServerContact, onSessionExpired } from '../api/errors'
import { i18n } from '../i18n'
import IdleWarning from './IdleWarning.vue'

const resident: SessionView = {
  authenticated: true,
  kind: 'resident',
  csrfToken: 'csrf',
  resident: { name: '王**', certNo: '610322********0281', regionCode: '610322' },
  pending: null,
  staff: null,
  sandboxSmsInbox: null,
}
let sessionCalls = 0
const server = setupServer(http.get('*/api/v1/session', () => {
  sessionCalls += 1
  return HttpResponse.json(resident)
}))
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const MINUTE = 60_000
beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
  vi.setSystemTime(new Date('2026-12-03T09:00:00+08:00'))
  lastServerContact.value = Date.now()
  sessionCalls = 0
})
afterEach(() => {
  vi.useRealTimers()
  onSessionExpired(null)
})

describe('IdleWarning (a session that runs out for lack of use)', () => {
  it('says nothing for 25 minutes, then counts down in place; 继续使用 keeps the session and the warning goes', async () => {
    const wrapper = mount(IdleWarning, { global: { plugins: [i18n] } })
    vi.advanceTimersByTime(25 * MINUTE + 50_000)
    await flushPromises()
    expect(wrapper.find('[data-testid="idle-warning"]').exists()).toBe(false)
    vi.advanceTimersByTime(40_000)
    await flushPromises()
    const warning = wrapper.get('[data-testid="idle-warning"]')
    expect(warning.attributes('role')).toBe('alert')
    expect(warning.text()).toContain('您已有一段时间没有操作，2分30秒后将退出登录。')
    vi.useRealTimers()
    await wrapper.get('[data-testid="idle-keep"]').trigger('click')
    await vi.waitFor(() => expect(sessionCalls).toBe(1))
    await flushPromises()
    expect(wrapper.find('[data-testid="idle-warning"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('at the end goes to sign-in as an ended session does (once), and any answer of the BFF restarts the count', async () => {
    const ended = vi.fn()
    onSessionExpired(ended)
    const wrapper = mount(IdleWarning, { global: { plugins: [i18n] } })
    vi.advanceTimersByTime(20 * MINUTE)
    lastServerContact.value = Date.now()
    vi.advanceTimersByTime(25 * MINUTE)
    await flushPromises()
    expect(wrapper.find('[data-testid="idle-warning"]').exists()).toBe(false)
    vi.advanceTimersByTime(4 * MINUTE + 1000)
    await flushPromises()
    expect(ended).toHaveBeenCalledTimes(1)
    expect(ended.mock.calls[0]![0]).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 })
    vi.advanceTimersByTime(10_000)
    expect(ended).toHaveBeenCalledTimes(1)
    wrapper.unmount()
  })
})
