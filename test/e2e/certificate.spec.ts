import type { Browser, Page } from 'playwright-core'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fengxiangAdults, signInByPhone, staffSignIn } from './auth'
import { catchPrints, expectNoAxeViolations, launch, maskedCert, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** The certificate's facts on the public check page: valid, with the person masked and the region by name. */
async function expectValidCheck(page: Page, person: { name: string, certNo: string }) {
  const valid = page.getByTestId('certificate-valid')
  await valid.getByText('证明真实有效').waitFor()
  expect(await page.getByTestId('certificate-fact-name').textContent()).toContain(`${person.name[0]}*`)
  expect(await page.getByTestId('certificate-fact-cert').textContent()).toBe(maskedCert(person.certNo))
  expect(await page.getByTestId('certificate-fact-region').textContent()).toContain('凤翔')
  expect(await page.getByTestId('certificate-years').textContent()).toMatch(/\d{4}年度/)
  expect(await page.content()).not.toContain(person.certNo)
}

/** Fengxiang adults of this journey: the second and third places of `fengxiangAdults` (auth.ts). */
async function fengxiangResident(which: 1 | 2): Promise<{ name: string, certNo: string }> {
  const r = (await fengxiangAdults()).reserved[which]
  if (!r) throw new Error('not enough seeded Fengxiang adults')
  return { name: r.name, certNo: r.certNo }
}

describe('参保证明: a resident downloads one, a clerk prints one, anyone checks it', () => {
  it('我的 → 参保证明 downloads a PDF with a code whose public check shows masked facts; a wrong code is not found', async () => {
    const person = await fengxiangResident(1)
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await signInByPhone(page, person)
    await page.goto('/me')
    await page.getByTestId('certificate-link').click()
    await page.getByRole('heading', { name: '参保证明', level: 1 }).waitFor()
    await expectNoAxeViolations(page)

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('certificate-download').click()])
    expect(download.suggestedFilename()).toMatch(/\.pdf$/)
    const pdf = await readFile((await download.path())!)
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const code = (await page.getByTestId('certificate-code').textContent())!.trim()
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/)
    expect(page.url()).not.toContain(person.certNo)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(page)
    await screenshot(page, 'certificate-issued')

    // The check link opens the public page with the code.
    await page.getByTestId('certificate-check').click()
    await page.getByRole('heading', { name: '参保证明核验', level: 1 }).waitFor()
    await expectValidCheck(page, person)
    await expectNoAxeViolations(page)
    await screenshot(page, 'certificate-verified')

    // Someone else, not signed in, types the code as printed (lower case, no hyphens) and then a wrong one.
    const stranger = await (await mobileContext(browser, { inWeChat: false })).newPage()
    await stranger.goto('/certificates/verify')
    await stranger.getByRole('heading', { name: '参保证明核验', level: 1 }).waitFor()
    await stranger.getByLabel('验证码', { exact: true }).fill('abc')
    await stranger.getByTestId('certificate-verify').click()
    await stranger.getByText('请输入16位验证码（字母和数字）').waitFor()
    await stranger.getByLabel('验证码', { exact: true }).fill(code.replaceAll('-', '').toLowerCase())
    await stranger.getByTestId('certificate-verify').click()
    await expectValidCheck(stranger, person)
    const wrong = code.endsWith('A') ? `${code.slice(0, -1)}B` : `${code.slice(0, -1)}A`
    await stranger.getByLabel('验证码', { exact: true }).fill(wrong)
    await stranger.getByTestId('certificate-verify').click()
    await stranger.getByTestId('certificate-not-found').getByText('未找到该证明').waitFor()
    await expectNoAxeViolations(stranger)
    await stranger.context().close()
    await context.close()
  }, 120_000)

  it('at the desk (1280 px) the clerk prints the 参保证明 of the person looked up, and its code checks out', async () => {
    const person = await fengxiangResident(2)
    const context = await mobileContext(browser, { inWeChat: false })
    const desk = await context.newPage()
    await desk.setViewportSize({ width: 1280, height: 800 })
    await desk.goto('/desk')
    await desk.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    await staffSignIn(desk, 'e2e-certificate')
    await desk.getByLabel('身份证号', { exact: true }).fill(person.certNo)
    await desk.getByTestId('desk-lookup').click()
    await desk.getByTestId('desk-person-name').waitFor()
    await desk.getByTestId('desk-tab-certificate').click()
    const prints = await catchPrints(desk)
    await desk.getByTestId('desk-certificate-print').click()
    const code = (await desk.getByTestId('desk-certificate-code').textContent())!.trim()
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/)
    // Printed from a frame of this page: its address is a blob, never one carrying the person.
    expect(await desk.getByTestId('desk-print-frame').getAttribute('src')).toMatch(/^blob:/)
    // The PDF loaded in the frame and the print dialog was asked for, once.
    await expect.poll(prints).toBe(1)
    expect(await desk.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
    await expectNoAxeViolations(desk)
    await screenshot(desk, 'desk-certificate-1280')

    const check = await (await mobileContext(browser, { inWeChat: false })).newPage()
    await check.goto(`/certificates/verify?code=${code}`)
    await expectValidCheck(check, person)
    await check.context().close()

    await context.close()
  }, 120_000)
})
