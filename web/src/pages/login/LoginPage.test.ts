import type { ApiErrorBody, SessionView } from '@yibao/shared'
import type { VueWrapper } from '@vue/test-utils'
import { ERROR_MESSAGES } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import LoginPage from './LoginPage.vue'

const anonymous: SessionView = {
  authenticated: false,
  kind: null,
  csrfToken: null,
  resident: null,
  pending: null,
  staff: null,
  sandboxSmsInbox: null,
}
const pendingSession = { ...anonymous, kind: 'pending', csrfToken: 'csrf-p' } as const
const viaWechat: SessionView = { ...pendingSession, pending: { phoneVerified: false, viaWechat: true } }
const viaPhone: SessionView = { ...pendingSession, pending: { phoneVerified: true, viaWechat: false } }
const refuseBind = () => http.post('*/api/v1/auth/bind', () => HttpResponse.json(PHONE_TAKEN, { status: 409 }))

const PERSON = { name: '赵小雨', certNo: '610322201009011021' }
const PHONE_TAKEN: ApiErrorBody = {
  error: {
    code: 'PHONE_BOUND_ELSEWHERE',
    message: ERROR_MESSAGES.PHONE_BOUND_ELSEWHERE,
    requestId: 'req-409',
    fields: { phone: '该手机号已绑定其他参保人' },
  },
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
// The page loads its form checks on first use; loaded once here, so a submit settles within flushPromises.
beforeAll(async () => { await import('./login-checks') })
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

let session: SessionView = anonymous
function sessionHandlers() {
  return [
    http.get('*/api/v1/session', () => HttpResponse.json(session)),
    http.delete('*/api/v1/session', () => {
      session = anonymous
      return HttpResponse.json({ ok: true })
    }),
  ]
}

async function mountLogin() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/login', component: LoginPage }, { path: '/', component: { render: () => h('p', 'home') } }],
  })
  await router.push('/login')
  const global = { plugins: [i18n, router] }
  const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function fill(wrapper: VueWrapper, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) await wrapper.get(`[name="${name}"]`).setValue(value)
}

async function submit(wrapper: VueWrapper) {
  await wrapper.get('form').trigger('submit')
  await flushPromises()
}

describe('LoginPage: binding refused because the phone belongs to another person', () => {
  it('says on the page what to do next (409 PHONE_BOUND_ELSEWHERE), at the phone field too', async () => {
    session = viaWechat
    server.use(...sessionHandlers(), refuseBind())
    const wrapper = await mountLogin()
    await fill(wrapper, { ...PERSON, phone: '13905461201', code: '123456' })
    await submit(wrapper)

    const notice = wrapper.get('[data-testid="bind-error"]')
    expect(notice.attributes('role')).toBe('alert')
    expect(notice.text()).toContain('该手机号已绑定其他参保人，请更换手机号后再认证；如该手机号是您本人的，请携带身份证到窗口办理')
    // A 409 the person can act on: no request id.
    expect(notice.text()).not.toContain('req-409')
    expect(wrapper.text()).toContain('该手机号已绑定其他参保人')
    // The phone field is right there to change: no start-over needed.
    expect(wrapper.find('[data-testid="start-over"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('after a phone sign-in offers to start over with another phone, back on the phone step', async () => {
    session = viaPhone
    server.use(...sessionHandlers(), refuseBind())
    const wrapper = await mountLogin()
    expect(wrapper.find('[name="phone"]').exists()).toBe(false)
    await fill(wrapper, PERSON)
    await submit(wrapper)
    expect(wrapper.get('[data-testid="bind-error"]').text()).toContain(ERROR_MESSAGES.PHONE_BOUND_ELSEWHERE)

    await wrapper.get('[data-testid="start-over"]').trigger('click')
    await flushPromises()
    expect(session).toBe(anonymous)
    expect(wrapper.find('[data-testid="bind-error"]').exists()).toBe(false)
    expect(wrapper.find('[name="phone"]').exists()).toBe(true)
    expect(wrapper.find('[name="certNo"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('LoginPage: binding refused because the carrier does not register the phone to this person', () => {
  it('says so on the page, with no request id, and offers to start over with another phone', async () => {
    session = viaPhone
    const body: ApiErrorBody = { error: { code: 'PHONE_NOT_REAL_NAME', message: ERROR_MESSAGES.PHONE_NOT_REAL_NAME, requestId: 'req-carrier' } }
    server.use(...sessionHandlers(), http.post('*/api/v1/auth/bind', () => HttpResponse.json(body, { status: 409 })))
    const wrapper = await mountLogin()
    await fill(wrapper, PERSON)
    await submit(wrapper)
    const notice = wrapper.get('[data-testid="bind-error"]')
    expect(notice.attributes('role')).toBe('alert')
    expect(notice.text()).toContain('该手机号未实名登记在您名下。请使用本人实名登记的手机号，或携带身份证到医保服务窗口办理')
    expect(notice.text()).not.toContain('req-carrier')
    await wrapper.get('[data-testid="start-over"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[name="phone"]').exists()).toBe(true)
    wrapper.unmount()
  })
})

describe('LoginPage: messages in place, not in toasts (长辈版 rules)', () => {
  const error = (code: ApiErrorBody['error']['code'], fields?: Record<string, string>): ApiErrorBody =>
    ({ error: { code, message: ERROR_MESSAGES[code], requestId: `req-${code}`, ...(fields && { fields }) } })

  it('shows all 11 digits: labels sit above the fields, so the phone input has the full width', async () => {
    session = anonymous
    server.use(...sessionHandlers())
    const wrapper = await mountLogin()
    for (const name of ['phone', 'code'])
      expect(wrapper.get(`[name="${name}"]`).element.closest('.van-field')!.classList).toContain('van-field--label-top')
    wrapper.unmount()
  })

  it('says 验证码已发送 beside the code field, with no toast over the 登录 button', async () => {
    session = anonymous
    server.use(...sessionHandlers(), http.post('*/api/v1/auth/sms-codes', () => HttpResponse.json({ resendAfterSeconds: 60 })))
    const wrapper = await mountLogin()
    await fill(wrapper, { phone: '13905461201' })
    await wrapper.get('[data-testid="send-code"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="code-sent"]').attributes('role')).toBe('status')
    expect(wrapper.get('[data-testid="code-sent"]').text()).toBe('验证码已发送')
    expect(document.querySelector('.van-toast')).toBeNull()
    wrapper.unmount()
  })

  it('says a used-up code once, under the field, and offers a new one only when the countdown allows it', async () => {
    session = anonymous
    server.use(
      ...sessionHandlers(),
      http.post('*/api/v1/auth/sms-codes', () => HttpResponse.json({ resendAfterSeconds: 60 })),
      http.post('*/api/v1/auth/phone-login', () => HttpResponse.json(
        error('OTP_TOO_MANY_ATTEMPTS', { code: '错误次数过多，请重新获取' }),
        { status: 400 },
      )),
    )
    const wrapper = await mountLogin()
    await fill(wrapper, { phone: '13905461201' })
    await wrapper.get('[data-testid="send-code"]').trigger('click')
    await flushPromises()
    await fill(wrapper, { code: '000000' })
    await submit(wrapper)
    const message = wrapper.get('.van-field__error-message').text()
    expect(message).toMatch(/^错误次数过多，\d+秒后可重新获取验证码$/)
    expect(wrapper.text().split('错误次数过多')).toHaveLength(2)
    expect(wrapper.find('[data-testid="login-error"]').exists()).toBe(false)
    expect(document.querySelector('.van-toast')).toBeNull()
    wrapper.unmount()
  })

  it('says a refusal of no field once, above the button (no toast)', async () => {
    session = anonymous
    server.use(...sessionHandlers(), http.post('*/api/v1/auth/phone-login', () => HttpResponse.json(error('RATE_LIMITED'), { status: 429 })))
    const wrapper = await mountLogin()
    await fill(wrapper, { phone: '13905461201', code: '123456' })
    await submit(wrapper)
    expect(wrapper.get('[data-testid="login-error"]').text()).toBe(ERROR_MESSAGES.RATE_LIMITED)
    expect(document.querySelector('.van-toast')).toBeNull()
    wrapper.unmount()
  })

  it('when the half-done sign-in runs out, goes back to the phone step and says so, what was typed kept', async () => {
    session = viaPhone
    server.use(...sessionHandlers(), http.post('*/api/v1/auth/bind', () => {
      session = anonymous
      return HttpResponse.json(error('UNAUTHENTICATED'), { status: 401 })
    }))
    const wrapper = await mountLogin()
    await fill(wrapper, PERSON)
    await submit(wrapper)
    expect(wrapper.get('[data-testid="session-expired"]').text()).toContain('登录已过期，请重新登录')
    // Not a field error under 身份证号, and the phone step is back to go on from.
    expect(wrapper.find('.van-field__error-message').exists()).toBe(false)
    expect(wrapper.find('[name="phone"]').exists()).toBe(true)
    wrapper.unmount()
  })
})
