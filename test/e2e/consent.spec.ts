import type { Browser, Page } from 'playwright-core'
import type { LaunchedApp } from './global-setup'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONSENT_VERSION } from '@yibao/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  activeResident,
  agreeToConsent,
  faceCheck,
  fillPhoneAndCode,
  phoneBindStep,
  sandboxResidents,
  submitIdentity,
  uniquePhone,
  wechatAuthorize,
} from './auth'
import { appNow, expectNoAxeViolations, launch, masked, mobileContext, screenshot } from './browser'
import { elderProblems } from './elder'
import { launchApp } from './global-setup'

/**
 * Issue 12 (consent, PIPL Art. 13, 14, 29): the 用户协议 and 隐私政策 at first sign-in with the separate consent to
 * sensitive information, 不同意, what 我的 shows, a new version asking again, and 撤回同意. A new version is a
 * new deployment: this journey runs its own app on a data directory of its own, stops it and starts it again
 * on the same data with CONSENT_VERSION set (sandbox modes only), as a release with new texts would.
 */
const CLOCK_START = '2026-11-15T10:00:00+08:00'
const NEXT_VERSION = '2026-12-15'

let browser: Browser
let dataDir: string
let app: LaunchedApp
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'yibao-consent-'))
  ;[browser, app] = await Promise.all([launch(), launchApp(CLOCK_START, { DATA_DIR: join(dataDir, 'pglite') })])
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

let people: { name: string, certNo: string }[] | null = null
/** A seeded Dongying resident of this journey's own sandbox (its people are nobody else's). */
async function nextPerson() {
  people ??= (await sandboxResidents('region=370500', app.sandboxURL)).filter(activeResident)
    .map(r => ({ name: r.name, certNo: r.certNo }))
  const next = people.shift()
  if (!next) throw new Error('no seeded resident left')
  return next
}

/** WeChat sign-in of someone whose WeChat is bound already: the sandbox's 微信授权 page, 允许, back in the app. */
async function wechatSignIn(page: Page) {
  await page.goto('/login')
  await page.getByTestId('wechat-login').click()
  await page.getByRole('heading', { name: '微信授权（沙箱）' }).waitFor()
  await page.getByRole('link', { name: '允许' }).click()
  // Back on the app (through the BFF's callback): home, or the consent page first.
  await page.waitForURL(url => url.origin === new URL(app.baseURL).origin && !url.pathname.startsWith('/api/'))
}

describe('用户协议、隐私政策 and the separate consent to sensitive information (375 px)', () => {
  it('不同意 says what follows in place, then signs out: nothing of the resident is processed', async () => {
    const context = await mobileContext(browser, { app })
    const page = await context.newPage()
    await phoneBindStep(page, await nextPerson(), uniquePhone(), app.sandboxURL)
    await faceCheck(page)
    await page.waitForURL(url => new URL(url).pathname === '/consent')
    // Refused before agreeing: the data routes answer 403 CONSENT_REQUIRED in Chinese.
    const refused = await page.request.get('/api/v1/me/profile')
    expect(refused.status()).toBe(403)
    expect(await refused.json()).toMatchObject({ error: { code: 'CONSENT_REQUIRED' } })

    await page.getByTestId('consent-decline').click()
    const panel = page.getByTestId('consent-decline-panel')
    await panel.getByText('本应用不能为您办理任何医保业务，您将退出登录').waitFor()
    expect(await panel.textContent()).toContain('12393')
    await expectNoAxeViolations(page)
    await screenshot(page, 'consent-decline')
    await page.getByTestId('consent-decline-confirm').click()
    await page.waitForURL(url => new URL(url).pathname === '/')
    expect(await (await page.request.get('/api/v1/session')).json()).toMatchObject({ authenticated: false })
    await context.close()
  })

  it('first sign-in asks, 我的 shows what was agreed, a new version asks again, and 撤回同意 signs out everywhere', {
    timeout: 300_000,
  }, async () => {
    // A first sign-in through WeChat: 实名认证, the face, then the consent page before anything else.
    const first = await mobileContext(browser, { app })
    const page = await first.newPage()
    const person = await nextPerson()
    await wechatAuthorize(page)
    await fillPhoneAndCode(page, uniquePhone(), app.sandboxURL)
    await submitIdentity(page, person)
    await faceCheck(page)
    await page.waitForURL(url => new URL(url).pathname === '/consent')
    await page.getByTestId('consent-form').waitFor()
    expect(await page.getByTestId('consent-intro').textContent()).toContain('办理业务前，请阅读')
    expect(await page.getByTestId('consent-version').textContent()).toBe(`版本：${CONSENT_VERSION}`)
    // Nothing is ticked for the resident; the sensitive information is a box of its own.
    expect(await page.getByTestId('consent-general').isChecked()).toBe(false)
    expect(await page.getByTestId('consent-sensitive').isChecked()).toBe(false)
    await expectNoAxeViolations(page)
    await screenshot(page, 'consent-first')
    // A section opens to be read.
    const privacy = page.getByTestId('consent-doc-privacy')
    await privacy.getByText('四、提供给谁').click()
    await privacy.getByText('税务部门：缴费人员的姓名、身份证号和缴费金额').waitFor()
    // 同意并继续 without the separate consent: said in place.
    await page.getByTestId('consent-general').check()
    await page.getByTestId('consent-agree').click()
    await page.getByTestId('consent-error').getByText('请单独勾选同意处理敏感个人信息').waitFor()
    expect(new URL(page.url()).pathname).toBe('/consent')
    await page.getByTestId('consent-sensitive').check()
    await page.getByTestId('consent-agree').click()
    await page.waitForURL(url => new URL(url).pathname === '/')
    await page.getByTestId('resident-name').waitFor()
    expect(await page.getByTestId('resident-name').textContent()).toBe(masked(person.name))

    // 我的: the version and the time, the documents to read again.
    await page.getByRole('tab', { name: '我的' }).click()
    const status = page.getByTestId('consent-status')
    await status.waitFor()
    expect(await status.textContent()).toContain(`已同意${CONSENT_VERSION}版`)
    expect(await status.textContent()).toMatch(/同意时间：2026-11-15 10:\d\d/)
    await page.getByTestId('read-privacy').click()
    await page.getByTestId('consent-agreed').waitFor()
    expect(await page.getByTestId('consent-form').count()).toBe(0)
    expect(await page.getByTestId('consent-doc-privacy').locator('details[open]').count()).toBeGreaterThan(4)
    await expectNoAxeViolations(page)

    // New texts: the same data, the app started again asking for a newer version (its clock goes on).
    const cookies = await first.cookies()
    await first.close()
    const clock = new Date(appNow(app.clock).getTime() + 5_000).toISOString()
    await app.stop()
    app = await launchApp(clock, { DATA_DIR: join(dataDir, 'pglite'), CONSENT_VERSION: NEXT_VERSION })

    // The same phone, now in 长辈版: asked again before 我的 opens.
    const again = await mobileContext(browser, { app, elder: true })
    await again.addCookies(cookies)
    const elder = await again.newPage()
    await elder.goto('/me')
    await elder.waitForURL(url => new URL(url).pathname === '/consent')
    expect(new URL(elder.url()).searchParams.get('redirect')).toBe('/me')
    await elder.getByTestId('consent-intro').getByText(`用户协议和隐私政策已更新（${NEXT_VERSION}版）`).waitFor()
    expect(await elder.getByTestId('consent-version').textContent()).toBe(`版本：${NEXT_VERSION}`)
    expect(await elder.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    expect(await elderProblems(elder)).toEqual([])
    await expectNoAxeViolations(elder)
    await screenshot(elder, 'consent-new-version-elder')
    await agreeToConsent(elder)
    await elder.waitForURL(url => new URL(url).pathname === '/me')
    await elder.getByTestId('consent-status').getByText(`已同意${NEXT_VERSION}版`).waitFor()

    // A second device of the same resident, signed in through the same WeChat.
    const second = await mobileContext(browser, { app })
    await second.addCookies(cookies.filter(c => c.name === 'sandbox_wx_user'))
    const other = await second.newPage()
    await wechatSignIn(other)
    await other.getByTestId('resident-name').waitFor()

    // 撤回同意: what it means first, in place; then signed out on every device.
    await elder.getByTestId('consent-withdraw').click()
    const confirm = elder.getByTestId('consent-withdraw-confirm')
    await confirm.getByText('您将在所有设备上退出登录，本应用立即停止处理您的个人信息').waitFor()
    expect(await confirm.textContent()).toContain('医保部门和税务部门依法保存的参保、缴费和就医记录不受影响')
    expect(await confirm.textContent()).toContain('如需注销账号并删除本应用保存的信息，请拨打12393')
    expect(await elderProblems(elder)).toEqual([])
    await expectNoAxeViolations(elder)
    await screenshot(elder, 'consent-withdraw-elder')
    await elder.getByTestId('consent-withdraw-yes').click()
    await elder.getByTestId('consent-withdrawn').getByText('您已撤回同意，并已在所有设备上退出登录').waitFor()
    await elder.getByTestId('sign-in').waitFor()
    expect((await elder.request.get('/api/v1/me/profile')).status()).toBe(401)
    expect((await other.request.get('/api/v1/me/profile')).status()).toBe(401)
    expect(await (await other.request.get('/api/v1/session')).json()).toMatchObject({ authenticated: false })
    await second.close()

    // Signing in again asks again, saying when consent was withdrawn; agreed, the resident is back.
    await wechatSignIn(elder)
    await elder.waitForURL(url => new URL(url).pathname === '/consent')
    await elder.getByTestId('consent-intro').getByText('撤回同意。如需继续使用，请重新阅读并同意').waitFor()
    await agreeToConsent(elder)
    await elder.getByTestId('resident-name').waitFor()
    // 访问记录 shows both steps as the resident's own.
    await elder.goto('/me/access-log')
    await elder.getByTestId('access-entry').first().waitFor()
    const entries = await elder.getByTestId('access-entry').allTextContents()
    expect(entries).toEqual(expect.arrayContaining([
      expect.stringContaining('本人 · 撤回同意'),
      expect.stringContaining('本人 · 同意用户协议和隐私政策'),
    ]))
    await again.close()
  })
})
