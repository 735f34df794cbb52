import type { ApiErrorBody, SessionView, StaffAccountView, StaffCreated, StaffList } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n, loadDeskMessages } from '../../i18n'
import StaffAdminPage from './StaffAdminPage.vue'

const anonymous: SessionView = { authenticated: false, kind: null, csrfToken: null, resident: null, pending: null, staff: null, sandboxSmsInbox: null }
const admin: SessionView = { ...anonymous, authenticated: true, kind: 'staff', csrfToken: 'csrf-staff', staff: { name: '赵管理', role: 'admin', regions: ['370500'] } }

const SELF_ID = '0b7f3c52-8d5e-4b1a-9c1e-3f0d2a6b7c01'
const CLERK_ID = '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'

function account(over: Partial<StaffAccountView>): StaffAccountView {
  return {
    id: CLERK_ID,
    username: 'wang.fang',
    displayName: '王芳',
    role: 'clerk',
    regions: [{ code: '370502', label: '东营区（370502）' }],
    mfa: 'enrolled',
    locked: false,
    disabled: false,
    lastSignInAt: '2026-11-15T09:30:00.000+08:00',
    self: false,
    ...over,
  }
}
const self = account({ id: SELF_ID, username: 'zhao', displayName: '赵管理', role: 'admin', regions: [{ code: '370500', label: '东营市（370500）' }], self: true })
const list = (accounts: StaffAccountView[]): StaffList => ({ accounts, grantable: [{ code: '370500', label: '东营市（370500）' }] })

function errorBody(code: ApiErrorBody['error']['code'], message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: { code, message, requestId: 'req-1', ...(fields && { fields }) } }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeAll(() => loadDeskMessages())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

let session: SessionView = admin
const sessionHandler = () => http.get('*/api/v1/session', () => HttpResponse.json(session))

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/desk/staff', component: StaffAdminPage },
      { path: '/desk/login', component: { render: () => h('p', 'login') } },
    ],
  })
  await router.push('/desk/staff')
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('StaffAdminPage (人员管理)', () => {
  beforeEach(() => { session = admin })

  it('sends someone not signed in as staff to the staff sign-in, and back here after', async () => {
    session = anonymous
    server.use(sessionHandler())
    const { router, wrapper } = await mountPage()
    expect(router.currentRoute.value.fullPath).toBe('/desk/login?redirect=/desk/staff')
    wrapper.unmount()
  })

  it('lists the accounts with region names, role, state and last sign-in; the admin\'s own row has no actions', async () => {
    server.use(sessionHandler(), http.get('*/api/v1/desk/admin/staff', () => HttpResponse.json(list([self, account({ locked: true, mfa: 'pending' })]))))
    const { wrapper } = await mountPage()
    expect(wrapper.findAll('h1').map(x => x.text())).toEqual(['人员管理'])
    const row = wrapper.get('[data-testid="staff-row-wang.fang"]')
    expect(row.text()).toContain('王芳')
    expect(row.text()).toContain('窗口经办')
    expect(row.text()).toContain('东营区（370502）')
    expect(row.text()).toContain('待绑定验证器')
    expect(row.text()).toContain('最近登录：2026-11-15 09:30')
    expect(row.find('[data-testid="staff-locked"]').exists()).toBe(true)
    expect(row.find('[data-testid="staff-unlock"]').exists()).toBe(true)
    const own = wrapper.get('[data-testid="staff-row-zhao"]')
    expect(own.text()).toContain('本人账号请由其他管理员修改')
    expect(own.find('button').exists()).toBe(false)
    expect(wrapper.text()).toContain('您可授予：东营市（370500）（及其下级区划）')
    wrapper.unmount()
  })

  it('checks the form with the shared schema before sending anything, in Chinese', async () => {
    let posted = 0
    server.use(sessionHandler(), http.get('*/api/v1/desk/admin/staff', () => HttpResponse.json(list([self]))), http.post('*/api/v1/desk/admin/staff', () => {
      posted += 1
      return HttpResponse.json({}, { status: 500 })
    }))
    const { wrapper } = await mountPage()
    await wrapper.get('[name="username"]').setValue('张三')
    await wrapper.get('[name="regionCodes"]').setValue('3705')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(posted).toBe(0)
    expect(wrapper.text()).toContain('用户名为2–32位小写字母、数字或 . _ -，以字母或数字开头')
    expect(wrapper.text()).toContain('请输入姓名')
    expect(wrapper.text()).toContain('区域代码应为6位数字，如 370500')
    wrapper.unmount()
  })

  it('creates an account and shows its initial password once, then forgets it', async () => {
    let sent: unknown
    let accounts = [self]
    const created: StaffCreated = { account: account({ username: 'li.na', displayName: '李娜', mfa: 'pending', lastSignInAt: null }), initialPassword: 'Kq7-pX2m-Rt9v-Lw4z', mfa: 'enrol_at_first_sign_in' }
    server.use(
      sessionHandler(),
      http.get('*/api/v1/desk/admin/staff', () => HttpResponse.json(list(accounts))),
      http.post('*/api/v1/desk/admin/staff', async ({ request }) => {
        sent = await request.json()
        accounts = [self, created.account]
        return HttpResponse.json(created, { status: 201 })
      }),
    )
    const { wrapper } = await mountPage()
    await wrapper.get('[name="username"]').setValue('Li.Na')
    await wrapper.get('[name="displayName"]').setValue('李娜')
    await wrapper.get('[name="regionCodes"]').setValue('370502，370502')
    expect(wrapper.get('[data-testid="staff-regions-preview"]').text()).toBe('将授予：东营区（370502）、东营区（370502）')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(sent).toEqual({ username: 'li.na', displayName: '李娜', role: 'clerk', regionCodes: ['370502'] })
    const card = wrapper.get('[data-testid="staff-created"]')
    expect(card.text()).toContain('账号已新建：li.na')
    expect(card.get('[data-testid="staff-initial-password"]').text()).toBe('Kq7-pX2m-Rt9v-Lw4z')
    expect(card.text()).toContain('身份验证器由本人首次登录时扫码绑定')
    expect(wrapper.find('[data-testid="staff-row-li.na"]').exists()).toBe(true)
    await card.get('[data-testid="staff-created-dismiss"]').trigger('click')
    expect(wrapper.text()).not.toContain('Kq7-pX2m-Rt9v-Lw4z')
    expect(wrapper.find('[name="username"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('says the server\'s refusal in Chinese beside the field', async () => {
    server.use(
      sessionHandler(),
      http.get('*/api/v1/desk/admin/staff', () => HttpResponse.json(list([self]))),
      http.post('*/api/v1/desk/admin/staff', () => HttpResponse.json(errorBody('STAFF_REGION_NOT_OWN', '只能授予您本人服务区域内的区域', { regionCodes: '不在您的服务区域内：520000' }), { status: 403 })),
    )
    const { wrapper } = await mountPage()
    await wrapper.get('[name="username"]').setValue('far.away')
    await wrapper.get('[name="displayName"]').setValue('远方')
    await wrapper.get('[name="regionCodes"]').setValue('520000')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="staff-create-error"]').text()).toContain('只能授予您本人服务区域内的区域')
    expect(wrapper.text()).toContain('不在您的服务区域内：520000')
    wrapper.unmount()
  })

  it('disables only after the confirmation in place; 返回 sends nothing', async () => {
    const calls: unknown[] = []
    server.use(
      sessionHandler(),
      http.get('*/api/v1/desk/admin/staff', () => HttpResponse.json(list([self, account({})]))),
      http.post(`*/api/v1/desk/admin/staff/${CLERK_ID}/disabled`, async ({ request }) => {
        calls.push({ body: await request.json(), csrf: request.headers.get('x-csrf-token') })
        return HttpResponse.json(account({ disabled: true }))
      }),
    )
    const { wrapper } = await mountPage()
    const row = () => wrapper.get('[data-testid="staff-row-wang.fang"]')
    await row().get('[data-testid="staff-disable"]').trigger('click')
    expect(row().text()).toContain('停用后王芳立即退出全部登录')
    await row().get('[data-testid="staff-confirm-back"]').trigger('click')
    await flushPromises()
    expect(calls).toEqual([])
    await row().get('[data-testid="staff-disable"]').trigger('click')
    await row().get('[data-testid="staff-confirm"]').trigger('click')
    await flushPromises()
    expect(calls).toEqual([{ body: { disabled: true }, csrf: 'csrf-staff' }])
    expect(row().find('[data-testid="staff-disabled"]').exists()).toBe(true)
    expect(row().find('[data-testid="staff-enable"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="staff-notice"]').text()).toBe('已停用王芳，其登录已退出')
    wrapper.unmount()
  })
})
