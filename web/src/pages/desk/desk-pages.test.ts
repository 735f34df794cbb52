import type { ApiErrorBody, PersonProfile, SessionView } from '@yibao/shared'
import type { VueWrapper } from '@vue/test-utils'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n, loadDeskMessages } from '../../i18n'
import DeskLoginPage from './DeskLoginPage.vue'
import DeskPage from './DeskPage.vue'

const anonymous: SessionView = { authenticated: false, kind: null, csrfToken: null, resident: null, pending: null, staff: null, sandboxSmsInbox: null }
const pending: SessionView = { ...anonymous, kind: 'pending', csrfToken: 'csrf-pending', pending: { phoneVerified: false, viaWechat: false } }
const clerk: SessionView = { ...anonymous, authenticated: true, kind: 'staff', csrfToken: 'csrf-staff', staff: { name: '王芳', role: 'clerk', regions: ['370500'] } }

const profile: PersonProfile = {
  name: '张**',
  certNo: '370502********0420',
  sex: 'female',
  birthDate: '1986-03-15',
  age: 40,
  regionCode: '370502',
  enrolments: [{ insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', status: 'active', statusLabel: '正常参保', since: '2016-01-01', pausedOn: null, regionCode: '370502', balance: 0, unitName: null }],
  statuses: [],
}

/** The desk's quote of a year: paid for the current year, payable (with a QR code held) for any other. */
const quotes: unknown[] = []
function quoteHandler() {
  return http.post('*/api/v1/desk/payments/quotes', async ({ request }) => {
    const body = await request.json() as { year: number }
    quotes.push(body)
    const paid = body.year === new Date().getFullYear()
    return HttpResponse.json({
      year: body.year,
      totalFen: paid ? 0 : 38000,
      lines: [{ name: '张**', certNo: '370502********0420', relation: 'proxy', year: body.year, regionCode: '370502', standardFen: 38000, subsidyFen: 0, dueFen: paid ? 0 : 38000, status: paid ? 'paid' : 'payable', heldBy: null }],
    })
  })
}

/** Until the lazily loaded pane of a tab is there. */
async function paneLoaded(wrapper: VueWrapper, testid: string) {
  for (let i = 0; i < 500 && !wrapper.find(`[data-testid="${testid}"]`).exists(); i++) {
    await flushPromises()
    await new Promise(r => setTimeout(r, 10))
  }
}

function errorBody(code: ApiErrorBody['error']['code'], message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: { code, message, requestId: 'req-1', ...(fields && { fields }) } }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
// The desk's texts load with its routes; these tests mount its components directly.
beforeAll(() => loadDeskMessages())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

let session: SessionView = anonymous
const sent: { path: string, body: unknown, csrf: string | null }[] = []
function sessionHandler() {
  return http.get('*/api/v1/session', () => HttpResponse.json(session))
}

async function mountAt(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/desk/login', component: DeskLoginPage },
      { path: '/desk', component: DeskPage },
      { path: '/desk/audit', component: { render: () => h('p', 'audit') } },
    ],
  })
  await router.push(path)
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

async function fill(wrapper: VueWrapper, name: string, value: string) {
  await wrapper.get(`[name="${name}"]`).setValue(value)
}

async function submit(wrapper: VueWrapper, index = 0) {
  await wrapper.findAll('form')[index]!.trigger('submit')
  await flushPromises()
}

describe('DeskLoginPage', () => {
  beforeEach(() => {
    session = anonymous
    sent.length = 0
  })

  it('enrols the authenticator: QR image with alt text, the secret in groups, then the code', async () => {
    server.use(
      sessionHandler(),
      http.post('*/api/v1/desk/auth/password', async ({ request }) => {
        sent.push({ path: 'password', body: await request.json(), csrf: request.headers.get('x-csrf-token') })
        session = pending
        return HttpResponse.json({ next: 'enrol', otpauthUri: 'otpauth://totp/yibao:wang?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', qrSvg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
      }),
      http.post('*/api/v1/desk/auth/totp', async ({ request }) => {
        sent.push({ path: 'totp', body: await request.json(), csrf: request.headers.get('x-csrf-token') })
        session = clerk
        return HttpResponse.json({ status: 'signed_in' })
      }),
    )
    const { wrapper, router } = await mountAt('/desk/login')
    await submit(wrapper)
    expect(wrapper.text()).toContain('请输入用户名')
    expect(sent).toHaveLength(0)

    await fill(wrapper, 'username', 'Wang')
    await fill(wrapper, 'password', 'a-long-password')
    await submit(wrapper)
    expect(sent[0]).toEqual({ path: 'password', body: { username: 'wang', password: 'a-long-password' }, csrf: null })
    const img = wrapper.get('[data-testid="totp-qr"]')
    expect(img.attributes('alt')).toBe('身份验证器绑定二维码（无法扫码时请手动输入下方密钥）')
    expect(img.attributes('src')).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg"></svg>')}`)
    expect(wrapper.get('[data-testid="totp-secret"]').text()).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')

    await fill(wrapper, 'code', '12a')
    await submit(wrapper)
    expect(wrapper.text()).toContain('请输入验证器中的6位动态验证码')
    await fill(wrapper, 'code', '123456')
    await submit(wrapper)
    // The code goes with the pending session's CSRF token.
    expect(sent[1]).toEqual({ path: 'totp', body: { code: '123456' }, csrf: 'csrf-pending' })
    expect(router.currentRoute.value.path).toBe('/desk')
    wrapper.unmount()
  })

  it('shows a lock in Chinese and stays on the password step', async () => {
    server.use(
      sessionHandler(),
      http.post('*/api/v1/desk/auth/password', () => HttpResponse.json(errorBody('ACCOUNT_LOCKED', '登录失败次数过多，账号已锁定，请15分钟后再试或联系管理员解锁'), { status: 423 })),
    )
    const { wrapper } = await mountAt('/desk/login')
    await fill(wrapper, 'username', 'wang')
    await fill(wrapper, 'password', 'whatever')
    await submit(wrapper)
    expect(wrapper.get('[data-testid="desk-login-alert"]').text()).toBe('登录失败次数过多，账号已锁定，请15分钟后再试或联系管理员解锁')
    expect(wrapper.get('[data-testid="desk-login-alert"]').attributes('role')).toBe('alert')
    expect(wrapper.find('[name="code"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('DeskPage', () => {
  beforeEach(() => { session = clerk })
  // Forms on the page, in order: the e-voucher scan, the look-up, then the unmask reason.
  const SCAN_FORM = 0
  const LOOKUP_FORM = 1
  const UNMASK_FORM = 2

  it('sends someone who is not signed in as staff to the staff sign-in', async () => {
    session = anonymous
    server.use(sessionHandler())
    const { router, wrapper } = await mountAt('/desk')
    expect(router.currentRoute.value.fullPath).toBe('/desk/login?redirect=/desk')
    wrapper.unmount()
  })

  it('shows who is signed in, the out-of-region refusal, and a masked person with unmask on a reason', async () => {
    let lookups = 0
    server.use(
      sessionHandler(),
      quoteHandler(),
      http.post('*/api/v1/desk/person-lookups', async ({ request }) => {
        lookups += 1
        const body = await request.json() as { certNo: string }
        return body.certNo.startsWith('52')
          ? HttpResponse.json(errorBody('OUT_OF_REGION', '该人员的参保地不在您的服务区域内，不能为其办理业务'), { status: 403 })
          : HttpResponse.json(profile)
      }),
      http.post('*/api/v1/desk/unmask', async ({ request }) => {
        expect(await request.json()).toEqual({ certNo: '370502198603150420', reason: '居民现场办理代缴' })
        return HttpResponse.json({ certNo: '370502198603150420' })
      }),
    )
    const { wrapper } = await mountAt('/desk')
    expect(wrapper.get('[data-testid="staff-who"]').text()).toBe('当前登录：王芳（窗口经办）')
    expect(wrapper.find('[data-testid="desk-audit-link"]').exists()).toBe(false)

    await fill(wrapper, 'certNo', '370502198603150421')
    await submit(wrapper, LOOKUP_FORM)
    expect(wrapper.text()).toContain('身份证号码校验不通过，请核对后重新输入')
    expect(lookups).toBe(0)

    await fill(wrapper, 'certNo', '522732197804120310')
    await submit(wrapper, LOOKUP_FORM)
    expect(wrapper.get('[data-testid="lookup-error"]').text()).toContain('该人员的参保地不在您的服务区域内，不能为其办理业务')

    await fill(wrapper, 'certNo', '370502198603150420')
    await submit(wrapper, LOOKUP_FORM)
    expect(wrapper.find('[data-testid="lookup-error"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="desk-person-name"]').text()).toContain('张**')
    expect(wrapper.get('[data-testid="desk-person-cert"]').text()).toContain('370502********0420')
    // The card names the region (with its code, for staff) and says this year's premium is paid, before any QR.
    expect(wrapper.get('[data-testid="desk-person-region"]').text()).toBe('东营区（370502）')
    expect(wrapper.get('[data-testid="desk-person-status"]').text()).toContain('正常参保')
    const year = new Date().getFullYear()
    expect(quotes).toContainEqual({ year, certNo: '370502198603150420' })
    expect(wrapper.get(`[data-testid="desk-card-paid-${year}"]`).text()).toBe(`${year}年度已缴费`)
    expect(wrapper.text()).toContain('服务区域：东营市（370500）')

    await wrapper.get('[data-testid="desk-unmask"]').trigger('click')
    await submit(wrapper, UNMASK_FORM)
    expect(wrapper.text()).toContain('请填写查看完整证件号码的原因')
    await fill(wrapper, 'reason', '居民现场办理代缴')
    await submit(wrapper, UNMASK_FORM)
    expect(wrapper.get('[data-testid="desk-person-cert"]').text()).toContain('370502198603150420')
    wrapper.unmount()
  })

  it('opens a person from a scanned e-voucher, explains an expired code, keeps the field ready, and acts through the scan\'s handle', async () => {
    const scans: unknown[] = []
    const acts: unknown[] = []
    server.use(
      http.post('*/api/v1/desk/unmask', async ({ request }) => {
        acts.push(await request.json())
        return HttpResponse.json({ certNo: '370502198603150420' })
      }),
      http.post('*/api/v1/desk/payments/orders', async ({ request }) => {
        acts.push(await request.json())
        return HttpResponse.json(errorBody('DESK_SUBJECT_EXPIRED', '扫码办理已超时，请让参保人重新出示医保电子凭证后再扫码'), { status: 400 })
      }),
      sessionHandler(),
      quoteHandler(),
      http.post('*/api/v1/desk/e-vouchers/verify', async ({ request }) => {
        const body = await request.json() as { token: string }
        scans.push(body)
        return body.token === 'old-code'
          ? HttpResponse.json(errorBody('EVOUCHER_EXPIRED', '该医保电子凭证二维码已过期，请参保人刷新后重新出示'), { status: 400 })
          : HttpResponse.json({ profile, expiresAt: '2026-11-23T10:01:00.000+08:00', subject: 'v1.sealed-handle', subjectExpiresAt: '2026-11-23T10:15:00.000+08:00' })
      }),
    )
    const { wrapper } = await mountAt('/desk')
    const input = wrapper.get('[name="token"]')
    // A scanner gun types into whatever has focus: the field has it on arrival.
    expect(document.activeElement).toBe(input.element)

    await submit(wrapper, SCAN_FORM)
    expect(wrapper.text()).toContain('请扫描医保电子凭证二维码')
    expect(scans).toHaveLength(0)

    await fill(wrapper, 'token', 'old-code')
    await submit(wrapper, SCAN_FORM)
    expect(wrapper.get('[data-testid="evoucher-error"]').text()).toContain('该医保电子凭证二维码已过期，请参保人刷新后重新出示')
    expect(wrapper.get('[data-testid="evoucher-error"]').attributes('role')).toBe('alert')
    expect((input.element as HTMLInputElement).value).toBe('')

    await fill(wrapper, 'token', '  v1.good-code  ')
    await submit(wrapper, SCAN_FORM)
    expect(scans.at(-1)).toEqual({ token: 'v1.good-code' })
    expect(wrapper.find('[data-testid="evoucher-error"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="desk-person-name"]').text()).toContain('张**')
    expect(wrapper.get('[data-testid="desk-person-cert"]').text()).toContain('370502********0420')
    expect(wrapper.get('[data-testid="desk-scanned-note"]').text()).toContain('已通过医保电子凭证核验身份')
    expect(document.activeElement).toBe(input.element)

    // The page never had the ID number: the card's paid state, 代缴 and unmask go through the BFF's handle of the scan.
    expect(quotes).toContainEqual({ year: new Date().getFullYear(), subject: 'v1.sealed-handle' })
    await paneLoaded(wrapper, 'desk-pay-scanned-name')
    expect(wrapper.get('[data-testid="desk-pay-scanned-name"]').text()).toContain('张**')
    expect(wrapper.find('[name="payName"]').exists()).toBe(false)
    await wrapper.get('[data-testid="desk-unmask"]').trigger('click')
    await fill(wrapper, 'reason', '居民现场办理代缴')
    await submit(wrapper, UNMASK_FORM)
    expect(acts.at(-1)).toEqual({ subject: 'v1.sealed-handle', reason: '居民现场办理代缴' })
    expect(wrapper.get('[data-testid="desk-person-cert"]').text()).toContain('370502198603150420')
    // The unmask form has closed: the next form is 代缴's.
    await submit(wrapper, UNMASK_FORM)
    expect(acts.at(-1)).toMatchObject({ subject: 'v1.sealed-handle', year: expect.any(Number) })
    expect(acts.at(-1)).not.toHaveProperty('certNo')
    expect(wrapper.get('[data-testid="desk-pay-error"]').text()).toContain('扫码办理已超时，请让参保人重新出示医保电子凭证后再扫码')
    wrapper.unmount()
  })

  it('takes a scanner-gun read made while 生成缴费二维码 has focus as a scan, never as a second order; 办理下一位 clears all', async () => {
    const verified: string[] = []
    const orders: unknown[] = []
    server.use(
      sessionHandler(),
      quoteHandler(),
      http.post('*/api/v1/desk/payments/orders', async ({ request }) => {
        orders.push(await request.json())
        return HttpResponse.json(errorBody('NOTHING_TO_PAY', '该年度已缴费，无需重复缴费'), { status: 409 })
      }),
      http.post('*/api/v1/desk/e-vouchers/verify', async ({ request }) => {
        verified.push((await request.json() as { token: string }).token)
        return HttpResponse.json({ profile, expiresAt: '2026-11-23T10:01:00.000+08:00', subject: `v1.handle-${verified.length}`, subjectExpiresAt: '2026-11-23T10:15:00.000+08:00' })
      }),
    )
    const { wrapper } = await mountAt('/desk')
    await fill(wrapper, 'token', 'v1.first-code')
    await submit(wrapper, SCAN_FORM)
    await paneLoaded(wrapper, 'desk-pay-generate')
    const generate = wrapper.get('[data-testid="desk-pay-generate"]').element as HTMLButtonElement
    generate.focus()
    expect(document.activeElement).toBe(generate)

    // The gun: characters a few ms apart, then Enter, all on the focused button.
    for (const key of [...'v1.second-code', 'Enter']) {
      const down = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })
      generate.dispatchEvent(down)
      if (key === 'Enter') expect(down.defaultPrevented).toBe(true)
    }
    await flushPromises()
    expect(verified).toEqual(['v1.first-code', 'v1.second-code'])
    expect(orders).toEqual([])

    await wrapper.get('[data-testid="desk-next"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="desk-card"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="desk-pay"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="desk-idle"]').text()).toBe('已结束办理，请扫描或查询下一位')
    expect(document.activeElement).toBe(wrapper.get('[name="token"]').element)
    wrapper.unmount()
  })
})
