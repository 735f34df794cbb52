import type { FamilyLinkView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import FamilyPage from './FamilyPage.vue'

/** Links others made to the signed-in resident, as `GET /family/requests` gives them. */
function request(over: Partial<FamilyLinkView>): FamilyLinkView {
  return { id: '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5', name: '刘**', certNo: '', relation: 'child', relationLabel: '子女', status: 'pending_consent', createdAt: '2026-11-01T00:00:00.000Z', ...over }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  server.resetHandlers()
  document.body.innerHTML = ''
})
afterAll(() => server.close())

async function mountWith(requests: FamilyLinkView[]) {
  server.use(
    http.get('*/api/v1/family/links', () => HttpResponse.json([])),
    http.get('*/api/v1/family/requests', () => HttpResponse.json(requests)),
  )
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/family', component: FamilyPage }] })
  await router.push('/family')
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('FamilyPage (亲情账户): links others made to me', () => {
  it('asks about a request still waiting, and says an approved one is done, not still wanted', async () => {
    const wrapper = await mountWith([
      request({ id: '11111111-1111-4111-8111-111111111111', name: '张*' }),
      request({ id: '22222222-2222-4222-8222-222222222222', name: '李*', status: 'active' }),
    ])
    const [pending, active] = wrapper.findAll('[data-testid="family-request"]')
    expect(pending!.text()).toContain('张* 想把您添加为家人')
    expect(pending!.text()).toContain('同意后对方可以查看您的参保信息')
    expect(active!.text()).toContain('李* 已把您添加为家人')
    expect(active!.text()).not.toContain('想把您添加为家人')
    expect(active!.text()).toContain('对方可以查看您的参保信息')
    expect(wrapper.findAll('[data-testid="approve"]')).toHaveLength(1)
    wrapper.unmount()
  })
})

describe('FamilyPage: what a step came to is said in place, not in a toast', () => {
  it('says an invitation was sent, and a refusal without a field, in place with the focus on it', async () => {
    const wrapper = await mountWith([])
    server.use(http.post('*/api/v1/family/links', () => HttpResponse.json(
      request({ status: 'pending_consent', relation: 'spouse', relationLabel: '配偶' }),
      { status: 201 },
    ), { once: true }))
    await wrapper.get('[name="name"]').setValue('刘晓梅')
    await wrapper.get('[name="certNo"]').setValue('370502198603150420')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const sent = wrapper.get('[data-testid="family-notice"]')
    expect(sent.attributes('role')).toBe('status')
    expect(sent.text()).toBe('已发出邀请，请家人登录后同意')
    expect(document.activeElement).toBe(sent.element)
    expect(document.querySelector('.van-toast')).toBeNull()

    server.use(http.post('*/api/v1/family/links', () => HttpResponse.json(
      { error: { code: 'RATE_LIMITED', message: '操作太频繁，请稍后再试', requestId: 'req-429' } },
      { status: 429 },
    )))
    await wrapper.get('[name="name"]').setValue('刘晓梅')
    await wrapper.get('[name="certNo"]').setValue('370502198603150420')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const refused = wrapper.get('[data-testid="family-notice"]')
    expect(refused.attributes('role')).toBe('alert')
    expect(refused.text()).toBe('操作太频繁，请稍后再试')
    expect(document.querySelector('.van-toast')).toBeNull()
    wrapper.unmount()
  })
})

describe('FamilyPage: ending a link is confirmed in place, not in a pop-up', () => {
  it('asks under the row what ending it means; 返回 changes nothing, 解除绑定 ends it', async () => {
    const link = request({ id: '33333333-3333-4333-8333-333333333333', name: '王*', status: 'active', certNo: '370502********0421' })
    let deleted = 0
    server.use(
      http.get('*/api/v1/family/links', () => HttpResponse.json(deleted ? [] : [link])),
      http.get('*/api/v1/family/requests', () => HttpResponse.json([])),
      http.delete('*/api/v1/family/links/:id', () => {
        deleted += 1
        return HttpResponse.json({ ok: true })
      }),
    )
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/family', component: FamilyPage }, { path: '/family/:id', component: { render: () => h('p') } }] })
    await router.push('/family')
    const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
    await flushPromises()
    await wrapper.get('[data-testid="unlink"]').trigger('click')
    const confirm = wrapper.get('[data-testid="confirm-in-place"]')
    expect(confirm.text()).toContain('解除与王*的绑定后将不能再查看其信息，确定吗？')
    expect(document.querySelector('.van-dialog')).toBeNull()
    await wrapper.get('[data-testid="confirm-no"]').trigger('click')
    expect(wrapper.find('[data-testid="confirm-in-place"]').exists()).toBe(false)
    expect(deleted).toBe(0)
    await wrapper.get('[data-testid="unlink"]').trigger('click')
    await wrapper.get('[data-testid="confirm-yes"]').trigger('click')
    await flushPromises()
    expect(deleted).toBe(1)
    expect(wrapper.find('[data-testid="family-link"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
