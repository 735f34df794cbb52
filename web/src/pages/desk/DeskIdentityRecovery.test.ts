import type { ApiErrorBody, DeskIdentityStatus } from '@yibao/shared'
import type { VueWrapper } from '@vue/test-utils'
import { ERROR_MESSAGES } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { i18n, loadDeskMessages } from '../../i18n'
import DeskIdentityRecovery from './DeskIdentityRecovery.vue'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
// The desk's texts load with its routes; these tests mount its components directly.
beforeAll(() => loadDeskMessages())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

const CERT = '370502198603150420'
let status: DeskIdentityStatus = { bound: true, phoneTail: '8001', recoveredAt: null }
const sent: { path: string, body: Record<string, unknown>, key: string | null }[] = []

function record(path: string) {
  return async ({ request }: { request: Request }) => {
    const body = await request.clone().json() as Record<string, unknown>
    sent.push({ path, body, key: request.headers.get('idempotency-key') })
  }
}
const MOVED = { outcome: 'recovered', phoneTail: '9002' }
function handlers(recover: (n: number) => Response | Promise<Response> = () => HttpResponse.json(MOVED)) {
  let n = 0
  return [
    http.post('*/api/v1/desk/identity/status', async (info) => {
      await record('status')(info)
      return HttpResponse.json(status)
    }),
    http.post('*/api/v1/desk/identity/sms-codes', async (info) => {
      await record('sms-codes')(info)
      return HttpResponse.json({ sent: true, expiresInSeconds: 300, resendAfterSeconds: 60 })
    }),
    http.post('*/api/v1/desk/identity/recoveries', async (info) => {
      await record('recoveries')(info)
      return recover(++n)
    }),
  ]
}

function error(code: ApiErrorBody['error']['code'], status: number, fields?: Record<string, string>) {
  const body: ApiErrorBody = {
    error: { code, message: ERROR_MESSAGES[code], requestId: 'req-desk-id', ...(fields && { fields }) },
  }
  return HttpResponse.json(body, { status })
}

function mountOn(target: { certNo: string, name: string } | { subject: string }) {
  return mount(DeskIdentityRecovery, { props: { target }, global: { plugins: [i18n] }, attachTo: document.body })
}

async function mountFor(target = { certNo: CERT, name: '' }) {
  sent.length = 0
  const wrapper = mountOn(target)
  await wrapper.get('[data-testid="desk-identity-open"]').trigger('click')
  await flushPromises()
  return wrapper
}

async function fillAll(wrapper: VueWrapper, values: { newPhone?: string, smsCode?: string, recoveryReason?: string }) {
  for (const [name, value] of Object.entries(values)) await wrapper.get(`[name="${name}"]`).setValue(value)
}

describe('DeskIdentityRecovery', () => {
  it('shows the bound phone\'s last four digits only, sends the new phone a code and moves the identity', async () => {
    status = { bound: true, phoneTail: '8001', recoveredAt: null }
    server.use(...handlers())
    const wrapper = await mountFor()
    expect(wrapper.get('[data-testid="desk-identity-status"]').text()).toContain('当前绑定手机：尾号8001')
    expect(sent[0]).toMatchObject({ path: 'status', body: { certNo: CERT } })

    await fillAll(wrapper, { newPhone: '13905469002' })
    await wrapper.get('[data-testid="desk-identity-send"]').trigger('click')
    await flushPromises()
    expect(sent.at(-1)).toMatchObject({ path: 'sms-codes', body: { certNo: CERT, phone: '13905469002' } })
    expect(wrapper.get('[data-testid="desk-identity-sent"]').text()).toContain('验证码已发送到尾号9002的手机，请居民读出')
    expect(wrapper.get('[data-testid="desk-identity-send"]').text()).toMatch(/\d+秒后可重发/)

    await fillAll(wrapper, { smsCode: '246810', recoveryReason: '原手机号已停用，本人持证办理' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const call = sent.at(-1)!
    const body = { certNo: CERT, phone: '13905469002', code: '246810', reason: '原手机号已停用，本人持证办理' }
    expect(call).toMatchObject({ path: 'recoveries', body })
    expect(call.key).toMatch(/^[\w-]{20,}$/)
    const done = wrapper.get('[data-testid="desk-identity-done"]')
    expect(done.attributes('role')).toBe('status')
    expect(done.text()).toBe('已换绑到尾号9002的手机。原手机号已解绑并退出登录，新旧手机都会收到短信通知。')
    wrapper.unmount()
  })

  it('waits before sending the same phone a code again, but not before another phone', async () => {
    server.use(...handlers())
    const wrapper = await mountFor()
    await fillAll(wrapper, { newPhone: '13905469002' })
    await wrapper.get('[data-testid="desk-identity-send"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="desk-identity-send"]').attributes('disabled')).toBeDefined()
    await fillAll(wrapper, { newPhone: '13905469003' })
    expect(wrapper.get('[data-testid="desk-identity-send"]').attributes('disabled')).toBeUndefined()
    expect(wrapper.get('[data-testid="desk-identity-send"]').text()).toBe('发送验证码')
    wrapper.unmount()
  })

  it('asks for a reason of at least 4 characters before sending anything', async () => {
    server.use(...handlers())
    const wrapper = await mountFor()
    await fillAll(wrapper, { newPhone: '13905469002', smsCode: '246810', recoveryReason: '换号' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('办理原因至少4个字')
    expect(sent.some(s => s.path === 'recoveries')).toBe(false)
    wrapper.unmount()
  })

  it('says why a phone bound to another person cannot be used and what to do, with no request id', async () => {
    server.use(...handlers(() => error('PHONE_BOUND_ELSEWHERE', 409, { phone: '该手机号已绑定其他参保人' })))
    const wrapper = await mountFor()
    await fillAll(wrapper, { newPhone: '13905469002', smsCode: '246810', recoveryReason: '原手机号已停用' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const notice = wrapper.get('[data-testid="desk-identity-error"]')
    expect(notice.attributes('role')).toBe('alert')
    expect(notice.text()).toContain(ERROR_MESSAGES.PHONE_BOUND_ELSEWHERE)
    expect(notice.text()).not.toContain('req-desk-id')
    expect(notice.text()).toContain('需先为该号码当前绑定的参保人办理换绑')
    expect(wrapper.text()).toContain('该手机号已绑定其他参保人')
    wrapper.unmount()
  })

  it('sends the same Idempotency-Key again after a server failure, and a new one for a corrected code', async () => {
    server.use(...handlers((n) => {
      if (n === 1) return new HttpResponse('bad gateway', { status: 502 })
      if (n === 2) return error('OTP_INVALID', 400, { code: '验证码不正确或已过期' })
      return HttpResponse.json(MOVED)
    }))
    const wrapper = await mountFor()
    await fillAll(wrapper, { newPhone: '13905469002', smsCode: '246810', recoveryReason: '原手机号已停用' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('验证码不正确或已过期')
    await fillAll(wrapper, { smsCode: '135790' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const keys = sent.filter(s => s.path === 'recoveries').map(s => s.key)
    expect(keys).toHaveLength(3)
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).not.toBe(keys[0])
    expect(wrapper.find('[data-testid="desk-identity-done"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('offers to bind a person not bound yet, and opens a scanned person by their handle', async () => {
    status = { bound: false, phoneTail: null, recoveredAt: null }
    server.use(...handlers(() => HttpResponse.json({ outcome: 'bound', phoneTail: '9002' })))
    sent.length = 0
    const wrapper = mountOn({ subject: 'sealed-handle' })
    await wrapper.get('[data-testid="desk-identity-open"]').trigger('click')
    await flushPromises()
    expect(sent[0]).toMatchObject({ path: 'status', body: { subject: 'sealed-handle' } })
    expect(wrapper.text()).toContain('该身份尚未绑定手机号')
    expect(wrapper.get('[data-testid="desk-identity-confirm"]').text()).toBe('确认绑定')
    await fillAll(wrapper, { newPhone: '13905469002', smsCode: '246810', recoveryReason: '老人无本人实名手机' })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(sent.at(-1)?.body).not.toHaveProperty('certNo')
    expect(wrapper.get('[data-testid="desk-identity-done"]').text()).toBe('已为居民绑定尾号9002的手机，居民可用该手机号登录。')
    wrapper.unmount()
  })

  it('hands an expired staff session to the page', async () => {
    server.use(http.post('*/api/v1/desk/identity/status', () => error('UNAUTHENTICATED', 401)))
    const wrapper = mountOn({ certNo: CERT, name: '' })
    await wrapper.get('[data-testid="desk-identity-open"]').trigger('click')
    await flushPromises()
    expect(wrapper.emitted('authError')?.[0]?.[0]).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(wrapper.find('[data-testid="desk-identity-error"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
