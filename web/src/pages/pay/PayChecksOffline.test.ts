import type { SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import PayPage from './PayPage.vue'

// The 为他人代缴 form's checks are a chunk of their own, loaded on first use: here it cannot be fetched (a dropped
// connection, or a chunk gone after a deploy).
vi.mock('./pay-checks', () => {
  throw new TypeError('Failed to fetch dynamically imported module')
})

const resident: SessionView = {
  authenticated: true,
  kind: 'resident',
  csrfToken: 'csrf',
  resident: { name: '胡*', certNo: '370503********8521', regionCode: '370503' },
  pending: null,
  staff: null,
  sandboxSmsInbox: null,
}
const quoted: string[] = []
const server = setupServer(
  http.get('*/api/v1/session', () => HttpResponse.json(resident)),
  http.get('*/api/v1/family/links', () => HttpResponse.json([])),
  http.post('*/api/v1/payments/quotes', async ({ request }) => {
    const { people } = await request.json() as { people: { kind: string }[] }
    quoted.push(...people.map(p => p.kind))
    const line = { name: '胡*', certNo: '370503********8521', relation: 'self', year: 2027, regionCode: '370503' }
    const amounts = { standardFen: 40_000, subsidyFen: 0, dueFen: 40_000, status: 'payable', heldBy: null }
    return HttpResponse.json({ year: 2027, totalFen: 40_000, lines: people.map(() => ({ ...line, ...amounts })) })
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe('PayPage when the 为他人代缴 checks cannot load', () => {
  it('says so under the form, asks nothing about the person, keeps what was typed, and frees the button', async () => {
    setActivePinia(createPinia())
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/pay', component: PayPage }] })
    await router.push('/pay?year=2027')
    const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
    await flushPromises()
    expect(quoted).toEqual(['self'])
    await wrapper.get('[name="name"]').setValue('张秀英')
    await wrapper.get('[name="certNo"]').setValue('370502198603150420')
    await wrapper.get('[data-testid="pay-add-other"]').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('暂时无法核对，请稍后再试')
    expect(quoted).toEqual(['self'])
    expect((wrapper.get('[name="certNo"]').element as HTMLInputElement).value).toBe('370502198603150420')
    expect(wrapper.get('[data-testid="pay-add-other"]').classes()).not.toContain('van-button--loading')
    wrapper.unmount()
  })
})
