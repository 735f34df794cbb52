import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { DEMO, nextResident, signInByPhone } from './auth'
import { authenticatorCode, expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** A seeded Guizhou resident with active resident insurance (outside a Dongying clerk's region). */
async function guizhouResident(): Promise<{ name: string, certNo: string }> {
  const res = await fetch(`${inject('sandboxURL')}/__sandbox/residents?region=520000`)
  const { residents } = await res.json() as { residents: { name: string, certNo: string, deathDate: string | null, insurance: { insutype: string, endDate: string | null }[] }[] }
  const r = residents.find(p => !p.deathDate && p.insurance.some(i => i.insutype === '390' && !i.endDate))
  if (!r) throw new Error('no seeded Guizhou resident')
  return r
}

/** Password, then (first time) the enrolment page: reads the secret shown and types the code. Ends on `landing`. */
async function signInAndEnrol(page: Page, username: string, landing = '/desk') {
  await page.getByLabel('用户名', { exact: true }).fill(username)
  await page.getByLabel('密码', { exact: true }).fill(inject('staffPassword'))
  await page.getByTestId('desk-password-submit').click()
  await page.getByRole('heading', { name: '绑定身份验证器' }).waitFor()
  await page.getByRole('img', { name: '身份验证器绑定二维码（无法扫码时请手动输入下方密钥）' }).waitFor()
  await expectNoAxeViolations(page)
  await screenshot(page, `desk-enrol-${username}`)
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')
  expect(secret).toMatch(/^[A-Z2-7]{32}$/)
  await page.getByLabel('动态验证码', { exact: true }).fill(authenticatorCode(secret))
  await page.getByTestId('desk-code-submit').click()
  await page.waitForURL(url => new URL(url).pathname === landing)
  return secret
}

describe('help-desk staff journey (375 px)', () => {
  it('signs in with password + authenticator, opens a Dongying resident and is refused a Guizhou one', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()

    // From the home grid's 帮办代办 entry: not signed in as staff, so to the staff sign-in page.
    await page.goto('/')
    await page.locator('[data-service="helpDesk"]').first().click()
    await page.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    await expectNoAxeViolations(page)

    // A wrong password is refused in Chinese.
    await page.getByLabel('用户名', { exact: true }).fill('e2e-clerk')
    await page.getByLabel('密码', { exact: true }).fill('not-the-password')
    await page.getByTestId('desk-password-submit').click()
    await page.getByTestId('desk-login-alert').getByText('用户名或密码不正确').waitFor()

    await signInAndEnrol(page, 'e2e-clerk')
    await page.getByTestId('staff-who').waitFor()
    expect(await page.getByTestId('staff-who').textContent()).toContain('e2e-clerk（窗口经办）')
    await expectNoAxeViolations(page)
    // Staff sessions do not open residents' own data.
    expect((await page.request.get('/api/v1/me/profile')).status()).toBe(401)

    // A Dongying resident: the masked profile.
    await page.getByLabel('姓名', { exact: true }).fill(DEMO.name)
    await page.getByLabel('身份证号', { exact: true }).fill(DEMO.certNo)
    await page.getByTestId('desk-lookup').click()
    await page.getByTestId('desk-person-name').waitFor()
    expect(await page.getByTestId('desk-person-name').textContent()).toContain('张**')
    expect(await page.getByTestId('desk-person-cert').textContent()).toContain('370502********0420')
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-lookup')

    // The full ID number needs a reason.
    await page.getByTestId('desk-unmask').click()
    await page.getByTestId('desk-unmask-confirm').click()
    await page.getByText('请填写查看完整证件号码的原因').waitFor()
    await page.getByLabel('查看原因', { exact: true }).fill('居民现场办理代缴，核对身份证原件')
    await expectNoAxeViolations(page)
    await page.getByTestId('desk-unmask-confirm').click()
    await page.getByTestId('desk-person-cert').getByText(DEMO.certNo).waitFor()

    // A Guizhou resident is outside a Dongying clerk's region.
    const gz = await guizhouResident()
    await page.getByLabel('姓名', { exact: true }).fill('')
    await page.getByLabel('身份证号', { exact: true }).fill(gz.certNo)
    await page.getByTestId('desk-lookup').click()
    await page.getByTestId('lookup-error').getByText('该人员的参保地不在您的服务区域内，不能为其办理业务').waitFor()
    expect(await page.getByTestId('desk-person-name').count()).toBe(0)
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1)
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-out-of-region')

    // A resident of this region shows the 电子凭证 QR on their phone's home page; the window's scanner
    // gun "types" what it reads (the token the QR carries) into the scan field and presses Enter.
    const resident = await nextResident('staff')
    const phoneContext = await mobileContext(browser)
    const phone = await phoneContext.newPage()
    await signInByPhone(phone, resident)
    await phone.getByTestId('evoucher-qr').waitFor()
    const { token } = await (await phone.request.get('/api/v1/me/e-voucher')).json() as { token: string }
    expect(token).not.toContain(resident.certNo)

    const scanField = page.getByLabel('电子凭证', { exact: true })
    await scanField.fill('v1.not-a-real-code')
    await scanField.press('Enter')
    await page.getByTestId('evoucher-error').getByText('无法识别该医保电子凭证二维码，请参保人刷新后重新出示').waitFor()
    await expectNoAxeViolations(page)

    // The field is ready again; this time a real code.
    await scanField.fill(token)
    await scanField.press('Enter')
    await page.getByTestId('desk-scanned-note').waitFor()
    expect(await page.getByTestId('desk-person-name').textContent()).toContain(`${resident.name[0]}*`)
    expect(await page.getByTestId('desk-person-cert').textContent()).toContain(`${resident.certNo.slice(0, 6)}********${resident.certNo.slice(-4)}`)
    expect(await page.getByTestId('evoucher-error').count()).toBe(0)
    await expect.poll(() => scanField.evaluate(el => el === document.activeElement)).toBe(true)
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-evoucher-scan')
    await phoneContext.close()

    // The page never had the scanned person's ID number; with a reason, the BFF shows it.
    await page.getByTestId('desk-unmask').click()
    await page.getByLabel('查看原因', { exact: true }).fill('扫码办理，核对身份证原件')
    await page.getByTestId('desk-unmask-confirm').click()
    await page.getByTestId('desk-person-cert').getByText(resident.certNo).waitFor()

    // Signing out ends desk access.
    await page.getByTestId('desk-sign-out').click()
    await page.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    const after = await page.request.post('/api/v1/desk/person-lookups', { data: { certNo: DEMO.certNo }, headers: { origin: inject('baseURL') } })
    expect(after.status()).toBe(401)
    await context.close()
  })

  it('shows a supervisor the audit trail of their region, with the clerk\'s look-ups', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await page.goto('/desk/audit')
    await page.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    // Back to the page asked for first.
    await signInAndEnrol(page, 'e2e-supervisor', '/desk/audit')
    await page.getByRole('heading', { name: '访问记录审计', level: 1 }).waitFor()
    await page.getByTestId('audit-event').first().waitFor()
    const events = await page.getByTestId('audit-event').allTextContents()
    expect(events.some(e => e.includes('e2e-clerk · 窗口查询参保信息') && e.includes('370502********0420'))).toBe(true)
    expect(events.some(e => e.includes('e2e-clerk · 查看完整证件号码') && e.includes('原因：居民现场办理代缴，核对身份证原件'))).toBe(true)
    expect(events.some(e => e.includes('e2e-clerk · 窗口扫码核验电子凭证'))).toBe(true)
    // The Guizhou refusal belongs to Guizhou's trail, not Dongying's.
    expect(events.some(e => /52\d{4}\*{8}/.test(e))).toBe(false)
    expect(events.join('')).not.toContain(DEMO.certNo)
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-audit')

    // The staff home links here for supervisors.
    await page.goto('/desk')
    await page.getByTestId('desk-audit-link').waitFor()
    await expectNoAxeViolations(page)
    await context.close()
  })
})
