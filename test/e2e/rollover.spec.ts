import type { Browser, Page } from 'playwright-core'
import type { SandboxResident } from './auth'
import type { LaunchedApp } from './global-setup'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activeResident, sandboxResidents, signInByPhone, uniquePhone } from './auth'
import { expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'
import { launchApp } from './global-setup'

/**
 * Issue 11, defect 1 in a browser: on 10 January a resident who paid the new benefit year in the autumn
 * sees it as 正常参保. The other journeys share one app whose clock starts on 15 November
 * (global-setup.ts), so this one launches a second app of its own — same build, embedded sandbox, fresh
 * data — with SANDBOX_CLOCK at 10 January 2027, 10:00 in Shanghai, and puts its pages on that clock.
 */
const CLOCK_START = '2027-01-10T10:00:00+08:00'

let browser: Browser
let app: LaunchedApp
beforeAll(async () => {
  ;[browser, app] = await Promise.all([launch(), launchApp(CLOCK_START)])
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** The seeded Dongying residents as the second app's sandbox lists them (paid years as of its clock). */
async function residents(): Promise<SandboxResident[]> {
  const all = await sandboxResidents('region=370500', app.sandboxURL)
  return all.filter(r => r.statuses.length === 0 && activeResident(r))
}

/** Opens 参保查询 from the service grid; the coverage years as shown. */
async function openCoverage(page: Page): Promise<string[]> {
  await page.getByRole('link', { name: '参保查询' }).click()
  await page.getByRole('heading', { level: 1, name: '参保查询' }).waitFor()
  await page.getByTestId('coverage-status').waitFor()
  return page.getByTestId('coverage-year').allTextContents()
}

describe('the benefit year on 10 January (a second app, its clock at 2027-01-10 10:00 Shanghai)', () => {
  it('shows a resident who paid 2027 in the autumn as 正常参保 for 2027, at 375 px, without axe violations', async () => {
    // A Dongying resident the tax bureau lists as paid for 2026 and 2027 (paid at a tax channel last autumn).
    const person = (await residents()).find(r => r.paidYears.includes(2026) && r.paidYears.includes(2027))
    expect(person).toBeDefined()
    const context = await mobileContext(browser, { app })
    const page = await context.newPage()
    // Signed in on the second app's own SMS sandbox, with 实名认证 and the face step.
    await signInByPhone(page, person!, uniquePhone(), app.sandboxURL)
    const years = await openCoverage(page)
    // The current year is 2027, paid: covered from 1 January, not 未参保 nor 暂停参保.
    expect(await page.getByTestId('coverage-status').textContent()).toContain('正常参保')
    expect(await page.getByTestId('coverage-benefit-period').textContent()).toContain('2027年1月1日 至 2027年12月31日')
    const y2027 = years.find(y => y.includes('2027年度'))
    expect(y2027).toContain('正常参保')
    expect(y2027).toContain('已缴')
    expect(years.join('\n')).not.toMatch(/2027年度 (未参保|暂停参保|待缴费)/)
    expect(await page.getByTestId('pending-year').count()).toBe(0)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'coverage-2027-01-10')
    await expectNoAxeViolations(page)
    await context.close()
  })

  it('shows a resident who has not paid 2027 as 待缴费 with a way to pay it, in 长辈版 too', async () => {
    const person = (await residents()).find(r => r.paidYears.includes(2026) && !r.paidYears.includes(2027))
    expect(person).toBeDefined()
    const context = await mobileContext(browser, { app, elder: true })
    const page = await context.newPage()
    // Signed in on the second app's own SMS sandbox, with 实名认证 and the face step.
    await signInByPhone(page, person!, uniquePhone(), app.sandboxURL)
    const years = await openCoverage(page)
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    expect(await page.getByTestId('coverage-status').textContent()).toContain('待缴费')
    expect(years.find(y => y.includes('2027年度'))).toContain('待缴费')
    expect(await page.getByTestId('pending-year').textContent()).toContain('2027年度保费尚未缴纳')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'coverage-2027-01-10-pending-elder')
    await expectNoAxeViolations(page)
    // The button leads to paying 2027, which the quote offers (collection is open until 30 June).
    await page.getByTestId('pay-this-year').click()
    await page.waitForURL(url => new URL(url).searchParams.get('year') === '2027')
    await page.getByText('2027年度').first().waitFor()
    await context.close()
  })
})
