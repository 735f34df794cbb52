import type { ConsentState } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { CONSENT_VERSION } from '@yibao/shared'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import ConsentPage from './ConsentPage.vue'
import { AGREED, ASKED, residentWithConsent } from '../../testing/consent'

const asked = ASKED
const agreed = AGREED
const resident = (consent: ConsentState) => residentWithConsent(consent)

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  server.resetHandlers()
  document.body.innerHTML = ''
})
afterAll(() => server.close())

/** The page as a resident in `state` opens it, on its way to `/coverage`; `posts` collects what it sends. */
async function mountPage(state: ConsentState, path = '/consent?redirect=/coverage') {
  let current = state
  const posts: unknown[] = []
  server.use(
    http.get('*/api/v1/session', () => HttpResponse.json(resident(current))),
    http.get('*/api/v1/me/consent', () => HttpResponse.json(current)),
    http.post('*/api/v1/me/consent', async ({ request }) => {
      posts.push(await request.json())
      current = agreed
      return HttpResponse.json(agreed)
    }),
  )
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/consent', name: 'consent', component: ConsentPage },
      { path: '/:rest(.*)', component: { render: () => h('p', 'elsewhere') } },
    ],
  })
  await router.push(path)
  const global = { plugins: [i18n, router] }
  const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
  await flushPromises()
  return { wrapper, router, posts }
}

describe('ConsentPage (用户协议和隐私政策)', () => {
  it('shows both documents in collapsible sections, and each sensitive kind with why and its impact', async () => {
    const { wrapper } = await mountPage(asked)
    expect(wrapper.get('[data-testid="consent-intro"]').text()).toContain('办理业务前，请阅读')
    expect(wrapper.get('[data-testid="consent-version"]').text()).toBe(`版本：${CONSENT_VERSION}`)
    const terms = wrapper.get('[data-testid="consent-doc-terms"]')
    const privacy = wrapper.get('[data-testid="consent-doc-privacy"]')
    expect(terms.get('h2').text()).toBe('医保自助用户协议')
    expect(privacy.get('h2').text()).toBe('医保自助隐私政策')
    // Each section opens on its own (native details: keyboard and screen readers for free), closed at first.
    const sections = privacy.findAll('details')
    expect(sections.length).toBeGreaterThan(4)
    expect(sections.every(s => s.attributes('open') === undefined)).toBe(true)
    expect(privacy.text()).toContain('四、提供给谁')
    expect(privacy.text()).toContain('税务部门')
    const notice = wrapper.get('[data-testid="consent-sensitive-notice"]')
    expect(notice.text()).toContain('身份证号')
    expect(notice.text()).toContain('为什么需要：')
    expect(notice.text()).toContain('可能的影响：')
    wrapper.unmount()
  })

  it('ticks nothing for the resident, asks for the separate sensitive consent in place, then goes on', async () => {
    const { wrapper, router, posts } = await mountPage(asked)
    const general = wrapper.get<HTMLInputElement>('[data-testid="consent-general"]')
    const sensitive = wrapper.get<HTMLInputElement>('[data-testid="consent-sensitive"]')
    expect(general.element.checked).toBe(false)
    expect(sensitive.element.checked).toBe(false)
    // Each box is its own labelled checkbox.
    expect(general.element.closest('label')!.textContent).toContain('我已阅读并同意《医保自助用户协议》和《医保自助隐私政策》')
    expect(sensitive.element.closest('label')!.textContent).toContain('我单独同意处理上述敏感个人信息')

    await general.setValue(true)
    await wrapper.get('[data-testid="consent-form"]').trigger('submit')
    await flushPromises()
    const missing = wrapper.get('[data-testid="consent-error"]')
    expect(missing.text()).toBe('请单独勾选同意处理敏感个人信息')
    expect(missing.find('[role="alert"]').exists()).toBe(true)
    expect(document.activeElement).toBe(missing.element)
    expect(posts).toEqual([])

    await sensitive.setValue(true)
    await wrapper.get('[data-testid="consent-form"]').trigger('submit')
    await flushPromises()
    expect(posts).toEqual([{ version: CONSENT_VERSION, general: true, sensitive: true }])
    expect(router.currentRoute.value.fullPath).toBe('/coverage')
    wrapper.unmount()
  })

  it('says what 不同意 means in place before signing out', async () => {
    let signedOut = false
    const { wrapper, router } = await mountPage(asked)
    server.use(http.delete('*/api/v1/session', () => {
      signedOut = true
      return HttpResponse.json({ ok: true })
    }))
    await wrapper.get('[data-testid="consent-decline"]').trigger('click')
    await flushPromises()
    const panel = wrapper.get('[data-testid="consent-decline-panel"]')
    expect(panel.text()).toContain('本应用不能为您办理任何医保业务，您将退出登录')
    expect(panel.text()).toContain('12393')
    expect(document.activeElement).toBe(panel.get('p').element)
    expect(signedOut).toBe(false)
    await wrapper.get('[data-testid="consent-decline-back"]').trigger('click')
    expect(wrapper.find('[data-testid="consent-decline-panel"]').exists()).toBe(false)

    await wrapper.get('[data-testid="consent-decline"]').trigger('click')
    await wrapper.get('[data-testid="consent-decline-confirm"]').trigger('click')
    await flushPromises()
    expect(signedOut).toBe(true)
    expect(router.currentRoute.value.fullPath).toBe('/')
    wrapper.unmount()
  })

  it('asks again after a new version, and refuses a stale one in place, reading the new version', async () => {
    const updated: ConsentState = { ...agreed, version: '2027-03-01', required: true }
    const { wrapper } = await mountPage(updated)
    expect(wrapper.get('[data-testid="consent-intro"]').text()).toContain('用户协议和隐私政策已更新（2027-03-01版）')
    server.use(http.post('*/api/v1/me/consent', () => HttpResponse.json({
      error: { code: 'CONSENT_VERSION_STALE', message: '用户协议和隐私政策已更新，请阅读新版本后再同意', requestId: 'r-1' },
    }, { status: 409 })))
    await wrapper.get('[data-testid="consent-general"]').setValue(true)
    await wrapper.get('[data-testid="consent-sensitive"]').setValue(true)
    await wrapper.get('[data-testid="consent-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="consent-error"]').text()).toContain('用户协议和隐私政策已更新，请阅读新版本后再同意')
    // Read and ticked afresh.
    expect(wrapper.get<HTMLInputElement>('[data-testid="consent-general"]').element.checked).toBe(false)
    wrapper.unmount()
  })

  it('only shows what was agreed when nothing is asked, with the document from 我的 open', async () => {
    const { wrapper } = await mountPage(agreed, '/consent?doc=privacy')
    expect(wrapper.find('[data-testid="consent-form"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="consent-agreed"]').text()).toBe(`您已于2026-11-15 10:02同意${CONSENT_VERSION}版。`)
    const privacy = wrapper.get('[data-testid="consent-doc-privacy"]').findAll('details')
    expect(privacy.every(s => s.attributes('open') !== undefined)).toBe(true)
    const terms = wrapper.get('[data-testid="consent-doc-terms"]').findAll('details')
    expect(terms.some(s => s.attributes('open') !== undefined)).toBe(false)
    wrapper.unmount()
  })

  it('says when consent was withdrawn', async () => {
    const { wrapper } = await mountPage({ ...asked, withdrawnAt: '2026-11-20T08:30:00.000+08:00' })
    expect(wrapper.get('[data-testid="consent-intro"]').text()).toBe('您曾于2026-11-20 08:30撤回同意。如需继续使用，请重新阅读并同意。')
    wrapper.unmount()
  })
})
