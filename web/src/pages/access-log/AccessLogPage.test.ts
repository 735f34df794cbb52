import type { AccessLogEntry } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { i18n } from '../../i18n'
import AccessLogPage from './AccessLogPage.vue'

/** 45 entries, newest first: ids 145 … 101, one every hour back from 3 December 2026 10:00 (Shanghai). */
const ALL: AccessLogEntry[] = Array.from({ length: 45 }, (_, i) => {
  const at = new Date(Date.parse('2026-12-03T02:00:00Z') - i * 3_600_000)
  const shanghai = new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)
  const action = ['coverage.read', 'refund.request', 'auth.sign_in.phone'][i % 3]!
  return { id: 145 - i, at: `${shanghai}.000+08:00`, actor: 'self', channel: 'self', action, success: i !== 1 }
})

const asked: (string | null)[] = []
const server = setupServer(http.get('*/api/v1/me/access-log', ({ request }) => {
  const before = new URL(request.url).searchParams.get('before')
  asked.push(before)
  const from = before === null ? 0 : ALL.findIndex(e => e.id === Number(before)) + 1
  return HttpResponse.json(ALL.slice(from, from + 30))
}))
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

describe('AccessLogPage (访问记录)', () => {
  it('groups by day, narrows by kind, and pages on with 查看更早的记录 from the last entry shown', async () => {
    const wrapper = mount(AccessLogPage, { global: { plugins: [i18n] } })
    await flushPromises()
    expect(asked).toEqual([null])
    expect(wrapper.findAll('[data-testid="access-entry"]')).toHaveLength(30)
    const days = wrapper.findAll('[data-testid="access-day"]')
    expect(days.map(d => d.get('h2').text())).toEqual(['12月3日 星期四', '12月2日 星期三'])
    expect(days[0]!.findAll('[data-testid="access-entry"]')).toHaveLength(11)
    expect(days[0]!.findAll('[data-testid="access-entry"]')[1]!.text()).toContain('本人 · 申请退费')
    expect(days[0]!.findAll('[data-testid="access-entry"]')[1]!.text()).toContain('未成功')
    expect(days[0]!.findAll('[data-testid="access-entry"]')[0]!.text()).toContain('10:00')

    await wrapper.get('[data-testid="access-kind-act"]').setValue(true)
    expect(wrapper.findAll('[data-testid="access-entry"]').map(e => e.text()).every(t => t.includes('申请退费'))).toBe(true)
    expect(wrapper.findAll('[data-testid="access-entry"]')).toHaveLength(10)
    await wrapper.get('[data-testid="access-kind-all"]').setValue(true)

    await wrapper.get('[data-testid="access-more"]').trigger('click')
    await flushPromises()
    expect(asked).toEqual([null, '116'])
    const ids = wrapper.findAll('[data-testid="access-entry"]').length
    expect(ids).toBe(45)
    // The last page was short: nothing more to ask for.
    expect(wrapper.find('[data-testid="access-more"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid="access-day"]').map(d => d.get('h2').text()))
      .toEqual(['12月3日 星期四', '12月2日 星期三', '12月1日 星期二'])
    wrapper.unmount()
  })

  it('says so plainly when nothing matches, and when the log cannot be loaded', async () => {
    server.use(http.get('*/api/v1/me/access-log', () => HttpResponse.json([]), { once: true }))
    const empty = mount(AccessLogPage, { global: { plugins: [i18n] } })
    await flushPromises()
    expect(empty.get('[data-testid="access-none"]').text()).toBe('暂无记录')
    empty.unmount()
    server.use(http.get('*/api/v1/me/access-log', () => HttpResponse.json(
      { error: { code: 'UPSTREAM_UNAVAILABLE', message: '系统繁忙，请稍后再试', requestId: 'req-1' } },
      { status: 503 },
    )))
    const failed = mount(AccessLogPage, { global: { plugins: [i18n] } })
    await flushPromises()
    expect(failed.get('[role="alert"]').text()).toContain('系统繁忙，请稍后再试')
    failed.unmount()
  })
})
