import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { SandboxResident } from './auth'
import {
  activeResident,
  faceCheck,
  fillPhoneAndCode,
  landOnHome,
  phoneBindStep,
  sandboxResidents,
  signInByPhone,
  smsFor,
  uniquePhone,
  wechatAuthorize,
} from './auth'
import { expectNoAxeViolations, launch, masked, maskedCert, mobileContext, screenshot } from './browser'

// 人脸核身 and 刷脸找回 (issue 10), at 375 px, with axe on every new screen (the simulator's page too).
let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

let people: SandboxResident[] | null = null

/**
 * A Guizhou adult with active resident insurance that no other journey signs in (Dongying's people are the
 * other journeys' slices, auth.ts): from households without a child under 16 (pay-integrity.spec takes
 * couples with a child) and not the household staff.spec looks up (the first active resident's), taken from
 * the end of the list (staff.spec pays for the first of them who owes).
 */
async function nextResident(): Promise<{ name: string, certNo: string }> {
  if (!people) {
    const all = await sandboxResidents('region=520000')
    const active = all.filter(activeResident)
    const lookedUp = active[0]?.household.id
    const withChild = new Set(all.filter(r => r.age < 16).map(r => r.household.id))
    people = active.filter(r => r.age >= 18 && r.household.id !== lookedUp && !withChild.has(r.household.id))
  }
  // From the end of the list: staff.spec's Guizhou payer is the first of the same people who owes a premium.
  const next = people.pop()
  if (!next) throw new Error('no Guizhou adult left for the identity journeys')
  return { name: next.name, certNo: next.certNo }
}

/** A phone context in 长辈版 (large text), as an older resident has it. */
async function elderContext(): Promise<BrowserContext> {
  return mobileContext(browser, { elder: true })
}

/** Home, through the consent page when the app asks (a first sign-in). */
const onHome = (page: Page) => landOnHome(page)

describe('人脸核身 journeys (375 px)', () => {
  it('a first binding asks for the face, passes on the provider page and binds; own full ID shown once', async () => {
    const context = await elderContext()
    const page = await context.newPage()
    const person = await nextResident()
    await phoneBindStep(page, person)
    await page.getByTestId('face-step').waitFor()
    expect(await page.getByTestId('face-step').textContent()).toContain('首次绑定需要本人刷脸验证')
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    await expectNoAxeViolations(page)
    await faceCheck(page, '通过', { axe: expectNoAxeViolations })
    await onHome(page)
    await page.getByTestId('resident-name').waitFor()
    expect(await page.getByTestId('resident-name').textContent()).toBe(masked(person.name))
    // No personal data went through the address bar.
    expect(page.url()).not.toContain(person.certNo)

    // 我的 → 查看完整身份证号: another face check, then the number once.
    await page.getByRole('tab', { name: '我的' }).click()
    await page.getByTestId('unmask-cert').click()
    await page.getByRole('heading', { name: '人脸核身（沙箱）' }).waitFor()
    await page.getByRole('button', { name: '通过', exact: true }).click()
    await page.getByTestId('full-cert-no-value').waitFor()
    expect(await page.getByTestId('full-cert-no-value').textContent()).toBe(person.certNo)
    expect(page.url()).not.toContain(person.certNo)
    await expectNoAxeViolations(page)
    await screenshot(page, 'identity-unmask')
    // Shown once: coming back to the page shows it masked again.
    await page.reload()
    await page.getByTestId('unmask-cert').waitFor()
    expect(await page.getByTestId('full-cert-no').count()).toBe(0)
    expect(await page.getByTestId('account').textContent()).toContain(maskedCert(person.certNo))
    // 访问记录 lists the face checks and the unmasking.
    await page.getByTestId('access-log').click()
    await page.getByText('查看完整身份证号').first().waitFor()
    await page.getByText('发起人脸识别').first().waitFor()
    await context.close()
  })

  it('a failed face (活体未通过, 非本人, 超时) is said plainly with 重试, and a retry that passes binds', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    const person = await nextResident()
    await phoneBindStep(page, person)
    await faceCheck(page, '活体检测未通过')
    await page.getByTestId('face-error').getByText('活体检测未通过').waitFor()
    expect(await page.getByTestId('face-start').textContent()).toContain('重试')
    await expectNoAxeViolations(page)
    await screenshot(page, 'identity-face-failed')
    await faceCheck(page, '非本人')
    await page.getByTestId('face-error').getByText('非本人').waitFor()
    await faceCheck(page, '超时（不返回）')
    await page.getByTestId('face-error').getByText('超时').waitFor()
    await expectNoAxeViolations(page)
    await faceCheck(page, '通过')
    await onHome(page)
    await page.getByTestId('resident-name').waitFor()
    await context.close()
  })

  it('刷脸找回: the real person takes the identity back to their phone; the old browser is signed out', async () => {
    const person = await nextResident()
    // Someone bound the person first on their own phone (and passed a face check there: in the sandbox
    // anyone can press 通过), and is signed in.
    const holderContext = await mobileContext(browser)
    const holder = await holderContext.newPage()
    const holderPhone = await signInByPhone(holder, person)

    // The real person signs in on their phone and meets IDENTITY_PHONE_MISMATCH, with 刷脸找回 offered.
    const ownerContext = await elderContext()
    const owner = await ownerContext.newPage()
    const ownerPhone = await phoneBindStep(owner, person)
    await owner.getByTestId('bind-error').getByText('该身份已绑定其他手机号').waitFor()
    await expectNoAxeViolations(owner)
    await owner.getByTestId('face-recover').click()
    await owner.getByRole('heading', { name: '人脸核身（沙箱）' }).waitFor()
    await owner.getByRole('button', { name: '通过', exact: true }).click()
    await onHome(owner)
    await owner.getByTestId('resident-name').waitFor()
    await screenshot(owner, 'identity-recovered')

    // The holder's browser is signed out at once, and both phones were told (the other phone's tail only).
    await holder.reload()
    await holder.getByTestId('sign-in').waitFor()
    expect((await holder.request.get('/api/v1/me/profile')).status()).toBe(401)
    const toOld = (await smsFor(holderPhone))[0]!
    const toNew = (await smsFor(ownerPhone))[0]!
    expect(toOld.text).toContain(`改绑到尾号${ownerPhone.slice(-4)}的手机`)
    expect(toNew.text).toContain(`原手机（尾号${holderPhone.slice(-4)}）已解绑`)
    expect(toOld.text).not.toContain(ownerPhone)

    // 访问记录 of the person shows the recovery.
    await owner.goto('/me/access-log')
    await owner.getByText('找回账号：换绑手机号').first().waitFor()
    await expectNoAxeViolations(owner)
    await holderContext.close()
    await ownerContext.close()
  })

  it('the takeover of issue 10: a WeChat sign-in left on a shared browser never reaches the next person', async () => {
    const victim = await nextResident()
    // The attacker starts WeChat sign-in on a shared phone and walks away at the 实名认证 step.
    const kioskContext = await mobileContext(browser)
    const kiosk = await kioskContext.newPage()
    await wechatAuthorize(kiosk)
    const wechatUser = (await kioskContext.cookies(inject('sandboxURL'))).find(c => c.name === 'sandbox_wx_user')
    const attackerOpenid = wechatUser!.value

    // The victim finds it there: not their WeChat, so they sign in by phone (a new session), with their face.
    await kiosk.getByTestId('use-phone').click()
    await kiosk.getByRole('heading', { name: '登录' }).waitFor()
    await expectNoAxeViolations(kiosk)
    await fillPhoneAndCode(kiosk, uniquePhone())
    await kiosk.getByTestId('submit').click()
    await kiosk.getByRole('heading', { name: '实名认证' }).waitFor()
    expect(await kiosk.getByTestId('use-phone').count()).toBe(0)
    await kiosk.getByLabel('姓名').fill(victim.name)
    await kiosk.getByLabel('身份证号').fill(victim.certNo)
    await kiosk.getByTestId('submit').click()
    await faceCheck(kiosk, '通过')
    await onHome(kiosk)
    await kiosk.getByTestId('resident-name').waitFor()

    // Later the attacker signs in through WeChat, as the same WeChat user, on their own phone: refused.
    const attackerContext = await mobileContext(browser)
    const attacker = await attackerContext.newPage()
    await attacker.goto(`${inject('sandboxURL')}/__sandbox/wechat/login-as?openid=${attackerOpenid}`)
    await wechatAuthorize(attacker)
    expect((await attacker.request.get('/api/v1/me/profile')).status()).toBe(401)
    const view = await (await attacker.request.get('/api/v1/session')).json() as Record<string, unknown>
    expect(view).toMatchObject({ authenticated: false, resident: null })
    // Even binding the victim from there is refused: their identity belongs to the victim's phone.
    await fillPhoneAndCode(attacker, uniquePhone())
    await attacker.getByLabel('姓名').fill(victim.name)
    await attacker.getByLabel('身份证号').fill(victim.certNo)
    await attacker.getByTestId('submit').click()
    await attacker.getByTestId('bind-error').getByText('该身份已绑定其他手机号').waitFor()
    expect((await attacker.request.get('/api/v1/me/profile')).status()).toBe(401)
    await expectNoAxeViolations(attacker)
    await kioskContext.close()
    await attackerContext.close()
  })
})
