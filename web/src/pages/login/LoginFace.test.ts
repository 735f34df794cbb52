import type { ApiErrorBody, FaceCheckView, SessionView } from '@yibao/shared'
import { ERROR_MESSAGES } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { FACE_GO } from '../../composables/use-face-check'
import { i18n } from '../../i18n'
import LoginPage from './LoginPage.vue'

// The 人脸核身 step of 实名认证 and 刷脸找回: leaving for the provider's page and resuming on return.
const pending: SessionView = {
  authenticated: false,
  kind: 'pending',
  csrfToken: 'csrf-p',
  resident: null,
  pending: { phoneVerified: true, viaWechat: false },
  staff: null,
  sandboxSmsInbox: null,
}
const PERSON = { name: '赵小雨', certNo: '610322201009011021' }
const CHECK_ID = '0b6f3c52-9d1e-4a57-8f0c-2d7e5b9a1c33'
const refusal = (code: ApiErrorBody['error']['code']): ApiErrorBody =>
  ({ error: { code, message: ERROR_MESSAGES[code] } })
const EXPIRES = '2026-11-15T02:10:00Z'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
// The page loads its form checks on first use; loaded once here, so a submit settles within flushPromises.
beforeAll(async () => { await import('./login-checks') })
afterEach(() => {
  server.resetHandlers()
  sessionStorage.clear()
})
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

/** Requests the page sent, by method and path, with their JSON bodies. */
let sent: { what: string, body: unknown }[] = []
function handlers(opts: { bind?: () => Response, check?: FaceCheckView } = {}) {
  sent = []
  const record = async (what: string, request: Request) => {
    sent.push({ what, body: request.method === 'GET' ? null : await request.clone().json().catch(() => null) })
  }
  return [
    http.get('*/api/v1/session', () => HttpResponse.json(pending)),
    http.post('*/api/v1/auth/bind', async ({ request }) => {
      await record('bind', request)
      return opts.bind?.() ?? HttpResponse.json({ status: 'signed_in' })
    }),
    http.post('*/api/v1/face-checks', async ({ request }) => {
      await record('start', request)
      const started = { id: CHECK_ID, url: 'https://faceid.example/h5?token=T', expiresAt: EXPIRES }
      return HttpResponse.json(started, { status: 201 })
    }),
    http.get('*/api/v1/face-checks/:id', ({ params }) => {
      sent.push({ what: `read ${String(params.id)}`, body: null })
      return HttpResponse.json(opts.check)
    }),
    http.post('*/api/v1/identity/recover', async ({ request }) => {
      await record('recover', request)
      return HttpResponse.json({ status: 'signed_in' })
    }),
  ]
}

async function mountAt(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/login', component: LoginPage }, { path: '/', component: { render: () => h('p', 'home') } }],
  })
  await router.push(path)
  const went: string[] = []
  const global = { plugins: [i18n, router], provide: { [FACE_GO as symbol]: (url: string) => went.push(url) } }
  const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
  await flushPromises()
  return { wrapper, router, went }
}

describe('LoginPage: 人脸核身 before a first binding', () => {
  it('asks for the face on 403 FACE_VERIFICATION_REQUIRED and sends the browser to the provider', async () => {
    server.use(...handlers({ bind: () => HttpResponse.json(refusal('FACE_VERIFICATION_REQUIRED'), { status: 403 }) }))
    const { wrapper, went } = await mountAt('/login')
    await wrapper.get('[name="name"]').setValue(PERSON.name)
    await wrapper.get('[name="certNo"]').setValue(PERSON.certNo)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="face-step"]').text()).toContain('首次绑定需要本人刷脸验证')
    await wrapper.get('[data-testid="face-start"]').trigger('click')
    await flushPromises()
    expect(sent.find(s => s.what === 'start')?.body).toEqual({ purpose: 'bind', ...PERSON })
    expect(went).toEqual(['https://faceid.example/h5?token=T'])
    // The form waits in this tab only, keyed by the check; nothing personal goes into a URL.
    expect(JSON.parse(sessionStorage.getItem('yb_face:bind')!)).toEqual({ id: CHECK_ID, resume: PERSON })
    wrapper.unmount()
  })

  it('on return with a passed check binds with the stashed form and goes home', async () => {
    sessionStorage.setItem('yb_face:bind', JSON.stringify({ id: CHECK_ID, resume: PERSON }))
    const check: FaceCheckView = { id: CHECK_ID, purpose: 'bind', status: 'passed', expiresAt: EXPIRES }
    server.use(...handlers({ check }))
    const { wrapper, router } = await mountAt(`/login?step=bind&face=${CHECK_ID}`)
    expect(sent.map(s => s.what)).toEqual([`read ${CHECK_ID}`, 'bind'])
    expect(sent[1]!.body).toEqual(PERSON)
    expect(router.currentRoute.value.path).toBe('/')
    expect(sessionStorage.getItem('yb_face:bind')).toBeNull()
    wrapper.unmount()
  })

  it.each([
    ['failed', '活体检测未通过'],
    ['not_same_person', '非本人'],
    ['pending', '超时'],
  ] as const)('on return with a %s check says so, with 重试, and binds nothing', async (status, text) => {
    sessionStorage.setItem('yb_face:bind', JSON.stringify({ id: CHECK_ID, resume: PERSON }))
    server.use(...handlers({ check: { id: CHECK_ID, purpose: 'bind', status, expiresAt: EXPIRES } }))
    const { wrapper, router } = await mountAt(`/login?step=bind&face=${CHECK_ID}`)
    expect(wrapper.get('[data-testid="face-error"]').text()).toContain(text)
    expect(wrapper.get('[data-testid="face-start"]').text()).toBe('重试')
    expect(sent.map(s => s.what)).not.toContain('bind')
    // The check id leaves the address bar; the form is filled again from the stash.
    expect(router.currentRoute.value.query.face).toBeUndefined()
    expect((wrapper.get('[name="certNo"]').element as HTMLInputElement).value).toBe(PERSON.certNo)
    wrapper.unmount()
  })
})

describe('LoginPage: 刷脸找回', () => {
  it('offers 刷脸找回 on IDENTITY_PHONE_MISMATCH, and recovers on return with a passed check', async () => {
    server.use(...handlers({ bind: () => HttpResponse.json(refusal('IDENTITY_PHONE_MISMATCH'), { status: 409 }) }))
    const first = await mountAt('/login')
    await first.wrapper.get('[name="name"]').setValue(PERSON.name)
    await first.wrapper.get('[name="certNo"]').setValue(PERSON.certNo)
    await first.wrapper.get('form').trigger('submit')
    await flushPromises()
    await first.wrapper.get('[data-testid="face-recover"]').trigger('click')
    await flushPromises()
    expect(sent.find(s => s.what === 'start')?.body).toEqual({ purpose: 'recover', ...PERSON })
    first.wrapper.unmount()

    const check: FaceCheckView = { id: CHECK_ID, purpose: 'recover', status: 'passed', expiresAt: EXPIRES }
    server.use(...handlers({ check }))
    const back = await mountAt(`/login?step=recover&face=${CHECK_ID}`)
    expect(sent.map(s => s.what)).toEqual([`read ${CHECK_ID}`, 'recover'])
    expect(sent[1]!.body).toEqual({ certNo: PERSON.certNo })
    expect(back.router.currentRoute.value.path).toBe('/')
    back.wrapper.unmount()
  })
})
