import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  fengxiangAdults,
  fillPhoneAndCode,
  landOnHome,
  phoneBindStep,
  sandboxCall,
  smsCodeFor,
  staffSignIn,
  uniquePhone,
} from './auth'
import { expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** The Fengxiang adult of this journey: the first place of `fengxiangAdults` (auth.ts). */
async function fengxiangResident(): Promise<{ name: string, certNo: string }> {
  const r = (await fengxiangAdults()).reserved[0]
  if (!r) throw new Error('no seeded Fengxiang adult')
  return { name: r.name, certNo: r.certNo }
}

/** The seeded Fengxiang clerk of this journey signs in (password, then the authenticator it enrols on first use). */
async function clerkSignIn(page: Page) {
  await page.goto('/desk')
  await page.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
  await staffSignIn(page, 'e2e-identity')
  await page.getByTestId('staff-who').waitFor()
}

/** In the desk's 换绑手机 panel: the new phone, the code the resident reads back (from the sandbox), a reason, confirm. */
async function moveToPhone(page: Page, phone: string, reason: string, confirmLabel: string) {
  const panel = page.getByTestId('desk-identity')
  await panel.getByLabel('新手机号', { exact: true }).fill(phone)
  await panel.getByTestId('desk-identity-send').click()
  await panel.getByTestId('desk-identity-sent').getByText(`验证码已发送到尾号${phone.slice(-4)}的手机，请居民读出`).waitFor()
  await panel.getByLabel('短信验证码', { exact: true }).fill(await smsCodeFor(phone))
  await panel.getByLabel('办理原因', { exact: true }).fill(reason)
  await expectNoAxeViolations(page)
  await panel.getByRole('button', { name: confirmLabel }).click()
}

describe('换绑手机（找回账号）at the help desk (375 px and desktop)', () => {
  it('binds a resident the carrier refused online, then moves them to a new phone: the old one is signed out', async () => {
    const person = await fengxiangResident()
    const familyPhone = uniquePhone()
    // The phone the resident uses is not registered to them with the carrier (a relative's).
    const set = await sandboxCall('PUT', '/__sandbox/carrier/verdicts', { phone: familyPhone, verdict: 'mismatch' })
    expect(set.status).toBe(200)

    // Online, binding that phone is refused with what to do.
    const residentContext = await mobileContext(browser)
    const resident = await residentContext.newPage()
    await phoneBindStep(resident, person, familyPhone)
    await resident.getByTestId('bind-error').getByText('该手机号未实名登记在您名下。请使用本人实名登记的手机号，或携带身份证到医保服务窗口办理').waitFor()
    await expectNoAxeViolations(resident)
    await screenshot(resident, 'bind-carrier-refused')

    // At the window: the clerk checks the ID card and binds the person to that phone.
    const deskContext = await mobileContext(browser)
    const desk = await deskContext.newPage()
    await clerkSignIn(desk)
    await desk.getByLabel('身份证号', { exact: true }).fill(person.certNo)
    await desk.getByTestId('desk-lookup').click()
    await desk.getByTestId('desk-person-name').waitFor()
    // 换绑手机 is a tab of the console beside the person's card.
    await desk.getByTestId('desk-tab-identity').click()
    await desk.getByTestId('desk-identity-open').click()
    await desk.getByTestId('desk-identity-status').getByText('该身份尚未绑定手机号').waitFor()
    await expectNoAxeViolations(desk)
    // A reason is required.
    await desk.getByTestId('desk-identity').getByLabel('新手机号', { exact: true }).fill(familyPhone)
    await desk.getByTestId('desk-identity-confirm').click()
    await desk.getByText('请填写办理原因').waitFor()
    await moveToPhone(desk, familyPhone, '老人无本人实名手机号，持身份证由子女手机代为绑定', '确认绑定')
    await desk.getByTestId('desk-identity-done').getByText(`已为居民绑定尾号${familyPhone.slice(-4)}的手机，居民可用该手机号登录。`).waitFor()
    await screenshot(desk, 'desk-identity-bound')

    // Back on the phone, the same confirmation now goes through: the person is bound to this phone (and agrees to
    // the 用户协议 and 隐私政策 on first use).
    await resident.getByTestId('submit').click()
    await landOnHome(resident)
    await resident.getByTestId('resident-name').waitFor()

    // Later the phone is lost: the clerk moves the identity to the resident's new phone.
    const newPhone = uniquePhone()
    await desk.getByTestId('desk-identity-open').click()
    await desk.getByTestId('desk-identity-status').getByText(`当前绑定手机：尾号${familyPhone.slice(-4)}`).waitFor()
    expect(await desk.content()).not.toContain(familyPhone)
    await moveToPhone(desk, newPhone, '原手机丢失，本人持身份证现场办理换绑', '确认换绑')
    const done = desk.getByTestId('desk-identity-done')
    await done.getByText(`已换绑到尾号${newPhone.slice(-4)}的手机。原手机号已解绑并退出登录，新旧手机都会收到短信通知。`).waitFor()
    expect(await desk.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(desk)
    await screenshot(desk, 'desk-identity-moved')
    // The same page on a desk monitor.
    await desk.setViewportSize({ width: 1280, height: 800 })
    expect(await desk.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
    await expectNoAxeViolations(desk)
    await screenshot(desk, 'desk-identity-1280')

    // The old phone's browser is signed out: its session ended with the move.
    expect((await resident.request.get('/api/v1/me/profile')).status()).toBe(401)
    await resident.goto('/me/access-log')
    await resident.waitForURL(url => new URL(url).pathname === '/login')
    // Both phones were told by SMS (the sandbox gateway's record).
    const texts = async (phone: string) => {
      const res = await sandboxCall('GET', `/__sandbox/sms?phone=${phone}`)
      return (await res.json() as { messages: { template: string }[] }).messages.map(m => m.template)
    }
    expect(await texts(familyPhone)).toContain('SMS_YIBAO_ACCOUNT_MOVED_AWAY')
    expect(await texts(newPhone)).toContain('SMS_YIBAO_ACCOUNT_MOVED_HERE')
    await residentContext.close()

    // With the new phone, straight in (长辈版 here); 访问记录 shows what the window did.
    const newContext = await mobileContext(browser, { elder: true })
    const phone = await newContext.newPage()
    await phone.goto('/login')
    await fillPhoneAndCode(phone, newPhone)
    await phone.getByTestId('submit').click()
    // The account moved: the person holding it now agrees to the 用户协议 and 隐私政策 for themselves.
    await landOnHome(phone)
    await phone.goto('/me/access-log')
    await phone.getByRole('heading', { name: '访问记录', level: 1 }).waitFor()
    // The entries come with one request after the page: wait for them before reading.
    await phone.getByTestId('access-entry').first().waitFor()
    const entries = await phone.getByTestId('access-entry').allTextContents()
    expect(entries).toEqual(expect.arrayContaining([
      // Which clerk acted, at which hall, in the resident's own access log.
      expect.stringContaining('窗口工作人员e2e-identity（凤翔区医保服务窗口） · 窗口办理换绑手机号'),
      expect.stringContaining('窗口工作人员e2e-identity（凤翔区医保服务窗口） · 窗口绑定手机号'),
      expect.stringContaining('核验手机号实名登记（运营商）'),
    ]))
    expect(await phone.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(phone)
    await screenshot(phone, 'access-log-desk-identity')
    await newContext.close()
    await deskContext.close()
    await sandboxCall('DELETE', '/__sandbox/carrier/verdicts')
  }, 180_000)
})
