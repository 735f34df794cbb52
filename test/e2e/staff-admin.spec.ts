import type { Browser, Page } from 'playwright-core'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { staffSignIn } from './auth'
import { authenticatorCode, expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** A desk PC: 1280×800, as the service hall's counters have. */
async function deskPage(): Promise<Page> {
  const context = await mobileContext(browser, { inWeChat: false })
  const page = await context.newPage()
  await page.setViewportSize({ width: 1280, height: 800 })
  return page
}

describe('人员管理: an admin creates a clerk, who signs in, and disables them (1280 px)', () => {
  it('creates a clerk with a one-time password, the clerk enrols and signs in, and disabling signs them out', async () => {
    // The seeded Dongying admin (e2e-admin, global-setup) opens 人员管理 and signs in on the way.
    const admin = await deskPage()
    await admin.goto('/desk/staff')
    await admin.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    await staffSignIn(admin, 'e2e-admin', { landing: '/desk/staff' })
    await admin.getByRole('heading', { name: '人员管理', level: 1 }).waitFor()
    await admin.getByTestId('staff-row-e2e-admin').getByText('本人账号请由其他管理员修改').waitFor()
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
    await expectNoAxeViolations(admin)

    // A mistake is said in Chinese beside its field, and nothing is created.
    await admin.getByLabel('用户名', { exact: true }).fill('李娜')
    await admin.getByTestId('staff-create').click()
    await admin.getByText('用户名为2–32位小写字母、数字或 . _ -，以字母或数字开头').waitFor()
    await admin.getByText('请输入姓名').waitFor()
    await expectNoAxeViolations(admin)

    // A region outside the admin's own (Guizhou) is refused by the BFF.
    const username = `e2e-li-${randomBytes(3).toString('hex')}`
    await admin.getByLabel('用户名', { exact: true }).fill(username)
    await admin.getByLabel('姓名', { exact: true }).fill('李娜')
    await admin.getByLabel('服务区域', { exact: true }).fill('520000')
    await admin.getByTestId('staff-create').click()
    await admin.getByTestId('staff-create-error').getByText('只能授予您本人服务区域内的区域').waitFor()

    // The Dongying district is granted: its name shows before sending; the password shows once.
    await admin.getByLabel('服务区域', { exact: true }).fill('370502')
    await admin.getByTestId('staff-regions-preview').getByText('将授予：东营区（370502）').waitFor()
    await admin.getByTestId('staff-create').click()
    const created = admin.getByTestId('staff-created')
    await created.getByText(`账号已新建：${username}`).waitFor()
    const password = (await admin.getByTestId('staff-initial-password').textContent())!.trim()
    expect(password.length).toBeGreaterThanOrEqual(12)
    const row = admin.getByTestId(`staff-row-${username}`)
    await row.getByText('东营区（370502）').waitFor()
    await row.getByText('待绑定验证器').waitFor()
    await expectNoAxeViolations(admin)
    await screenshot(admin, 'staff-admin-created-1280')
    await created.getByTestId('staff-created-dismiss').click()
    expect(await admin.getByTestId('staff-initial-password').count()).toBe(0)

    // The new clerk, at their own counter, signs in with it and enrols their authenticator.
    const clerk = await deskPage()
    await clerk.goto('/desk/login')
    await clerk.getByLabel('用户名', { exact: true }).fill(username)
    await clerk.getByLabel('密码', { exact: true }).fill(password)
    await clerk.getByTestId('desk-password-submit').click()
    await clerk.getByRole('heading', { name: '绑定身份验证器' }).waitFor()
    const secret = (await clerk.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')
    await clerk.getByLabel('动态验证码', { exact: true }).fill(authenticatorCode(secret))
    await clerk.getByTestId('desk-code-submit').click()
    await clerk.waitForURL(url => new URL(url).pathname === '/desk')
    await clerk.getByTestId('staff-who').getByText(`李娜（窗口经办）`).waitFor()

    // Back at the admin's page: the clerk has signed in. 停用 is confirmed in place; 返回 changes nothing.
    await admin.reload()
    await row.getByText('已绑定验证器').waitFor()
    await row.getByTestId('staff-disable').click()
    await row.getByText('停用后李娜立即退出全部登录').waitFor()
    await expectNoAxeViolations(admin)
    await row.getByTestId('staff-confirm-back').click()
    await row.getByTestId('staff-disable').click()
    await row.getByTestId('staff-confirm').click()
    await admin.getByTestId('staff-notice').getByText('已停用李娜，其登录已退出').waitFor()
    await row.getByTestId('staff-disabled').waitFor()
    await expectNoAxeViolations(admin)
    await screenshot(admin, 'staff-admin-disabled-1280')

    // The clerk is signed out: the desk sends them to sign-in, and signing in again is refused in Chinese.
    const refused = await clerk.request.post('/api/v1/desk/person-lookups', { data: { certNo: '370502198603150420' }, headers: { origin: inject('baseURL') } })
    expect(refused.status()).toBe(401)
    await clerk.reload()
    await clerk.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    await clerk.getByLabel('用户名', { exact: true }).fill(username)
    await clerk.getByLabel('密码', { exact: true }).fill(password)
    await clerk.getByTestId('desk-password-submit').click()
    await clerk.getByTestId('desk-login-alert').getByText('该账号已停用，请联系系统管理员').waitFor()
    await expectNoAxeViolations(clerk)

    await clerk.context().close()
    await admin.context().close()
  })
})
