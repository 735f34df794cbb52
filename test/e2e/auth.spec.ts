import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { faceCheck, fillPhoneAndCode, landOnHome, nextResident, signInByPhone, uniquePhone, wechatAuthorize } from './auth'
import { expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'
import { chooseCity } from './cross-region'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

describe('resident sign-in journeys (375 px)', () => {
  it('signs in by phone + SMS with 实名认证, shows the account and signs out', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await page.goto('/')
    await page.getByTestId('sign-in').click()
    await page.getByRole('heading', { name: '登录' }).waitFor()
    await expectNoAxeViolations(page)
    // A wrong phone number is explained in Chinese on the field.
    await page.getByLabel('手机号').fill('12345')
    await page.getByTestId('send-code').click()
    await page.getByText('请输入11位手机号码').waitFor()

    const person = await nextResident('auth')
    await signInByPhone(page, person)
    expect(await page.getByTestId('resident-name').textContent()).toBe(`${person.name[0]}${'*'.repeat(person.name.length - 1)}`)
    await screenshot(page, 'signed-in-home')

    await page.getByRole('tab', { name: '我的' }).click()
    expect(await page.getByTestId('account').textContent()).toContain(`${person.certNo.slice(0, 6)}********${person.certNo.slice(-4)}`)
    await expectNoAxeViolations(page)
    await page.getByTestId('sign-out').click()
    await page.getByTestId('sign-in').waitFor()
    // Signed out: personal data is gone from the home page and the API refuses it.
    expect(await page.getByTestId('resident-name').count()).toBe(0)
    expect((await page.request.get('/api/v1/me/profile')).status()).toBe(401)
    await context.close()
  })

  it('binds the identity on the 实名认证 step and refuses a name that does not match', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await page.goto('/login')
    await fillPhoneAndCode(page, uniquePhone())
    await page.getByTestId('submit').click()
    await page.getByRole('heading', { name: '实名认证' }).waitFor()
    await expectNoAxeViolations(page)
    await page.getByLabel('姓名').fill('李四')
    await page.getByLabel('身份证号').fill('370502198603150421')
    await page.getByTestId('submit').click()
    await page.getByText('身份证号码校验不通过，请核对后重新输入').waitFor()
    await page.getByLabel('身份证号').fill((await nextResident('auth')).certNo)
    await page.getByTestId('submit').click()
    await page.getByText('未查询到该人员的参保信息，请核对姓名和证件号码').first().waitFor()
    await screenshot(page, 'bind-mismatch')
    await context.close()
  })

  it('signs in inside WeChat through the web authorisation page', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await wechatAuthorize(page)
    // Through WeChat the phone is not verified yet: the bind step asks for it too.
    await fillPhoneAndCode(page, uniquePhone())
    const person = await nextResident('auth')
    await page.getByLabel('姓名').fill(person.name)
    await page.getByLabel('身份证号').fill(person.certNo)
    await page.getByTestId('submit').click()
    // A first binding: the person's 人脸核身 (the code this bind checked is kept, none is asked again).
    await faceCheck(page, '通过')
    // Then the 用户协议 and 隐私政策, agreed to, and home.
    await landOnHome(page)
    await page.getByTestId('resident-name').waitFor()
    expect(await page.getByTestId('resident-name').textContent()).toBe(`${person.name[0]}${'*'.repeat(person.name.length - 1)}`)
    await context.close()
  })

  it('登录已过期 in the middle of a form: to sign-in, said why, then back to the same form with what was typed', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    const phone = await signInByPhone(page, await nextResident('auth'))
    await page.goto('/cross-region/new')
    await page.getByRole('heading', { level: 1 }).waitFor()
    await page.getByTestId('cr-type-temporary').check()
    await chooseCity(page, '广东省', '深圳市')
    await page.getByTestId('cr-phone').fill('13905461234')
    // The session ends (here: its cookie is gone, as after 30 minutes without use or 退出所有设备 elsewhere).
    await context.clearCookies()
    await page.getByTestId('cr-submit').click()
    await page.getByTestId('session-expired').waitFor()
    expect(new URL(page.url()).pathname).toBe('/login')
    expect(new URL(page.url()).search).not.toContain('139')
    expect(await page.getByTestId('session-expired').textContent()).toContain('登录已过期，请重新登录')
    await expectNoAxeViolations(page)
    // The same resident signs in again: back on the form, the number still there.
    await fillPhoneAndCode(page, phone)
    await page.getByTestId('submit').click()
    await page.waitForURL(url => new URL(url).pathname === '/cross-region/new')
    await expect.poll(() => page.getByTestId('cr-phone').inputValue()).toBe('13905461234')
    expect(await page.getByTestId('cr-type-temporary').isChecked()).toBe(true)
    expect(await page.getByTestId('cr-destination').textContent()).toContain('深圳市')
    // Put back once: nothing of it stays in the tab's storage.
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter(k => k.startsWith('yb-draft:')))).toEqual([])
    await context.close()
  })
})
