import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nextResident, signInByPhone } from './auth'
import { expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

describe('home journey (375 px, WeChat UA)', () => {
  it('opens the home page and shows the resident\'s masked name from the bureau sandbox', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    const person = await nextResident('home')
    await signInByPhone(page, person)
    const name = page.getByTestId('resident-name')
    expect(await name.textContent()).toBe(`${person.name[0]}${'*'.repeat(person.name.length - 1)}`)
    expect(await page.getByTestId('resident-cert').textContent()).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/)
    expect(await page.getByTestId('enrolment-status').textContent()).toContain('正常参保')
    for (const label of ['参保缴费', '退费申请', '异地就医备案', '参保查询', '结算单', '报销测算', '帮办代办'])
      expect(await page.getByRole('link', { name: label }).count()).toBe(1)
    for (const tab of ['首页', '办事', '我的'])
      expect(await page.getByRole('tab', { name: tab }).count()).toBe(1)
    // Nothing overflows the 375 px viewport horizontally.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'home')
    await expectNoAxeViolations(page)
    await context.close()
  })

  it('sends a signed-out visitor from a service tile to sign-in and back there, and shows the other tabs', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await page.goto('/')
    await page.getByRole('link', { name: '异地就医备案' }).click()
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor()
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/cross-region')
    await expectNoAxeViolations(page)
    await page.goto('/')
    await page.getByTestId('sign-in').waitFor()

    await page.getByRole('tab', { name: '办事' }).click()
    await page.getByRole('heading', { name: '个人业务' }).waitFor()
    await expectNoAxeViolations(page)
    await page.getByRole('tab', { name: '我的' }).click()
    await page.getByText('长辈版（大字体）').waitFor()
    await expectNoAxeViolations(page)
    await context.close()
  })

  it('switches to 长辈版 with body text of at least 18 px and 60 px controls', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await signInByPhone(page, await nextResident('home'))
    await page.getByTestId('elder-toggle').click()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    const size = await page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).fontSize))
    expect(size).toBeGreaterThanOrEqual(18)
    const toggle = await page.getByTestId('elder-toggle').boundingBox()
    expect(toggle!.height).toBeGreaterThanOrEqual(60)
    // MIIT 适老化 2.1: main controls at least 60 × 60.
    for (const link of await page.locator('[data-service]').all()) {
      const box = (await link.boundingBox())!
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(60)
    }
    const columns = await page.locator('.service-grid').first().evaluate(el => getComputedStyle(el).gridTemplateColumns.split(' ').length)
    expect(columns).toBe(3)
    await screenshot(page, 'home-elder')
    await expectNoAxeViolations(page)
    // The choice survives a reload.
    await page.reload()
    await page.getByTestId('resident-name').waitFor()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    // 减少动态效果 (on in these contexts) is honoured: Vant's fades, as used by toasts, do not run.
    const fade = await page.evaluate(() => {
      const probe = document.createElement('div')
      probe.className = 'van-fade-enter-active'
      document.body.append(probe)
      const duration = getComputedStyle(probe).animationDuration
      probe.remove()
      return duration
    })
    expect(Number.parseFloat(fade)).toBe(0)
    // …and no property of anything starts to transition instead (which would ease 长辈版's text in).
    expect(await page.evaluate(() => getComputedStyle(document.body).transitionDuration)).toBe('0s')
    await context.close()
  })

  // 34 page loads, each with a full axe run (~1.5 s each here): more than the default minute, and no speed goal.
  it('every page a resident can reach, standard and 长辈版: one h1, no horizontal scroll, zero axe violations', {
    timeout: 180_000,
  }, async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await signInByPhone(page, await nextResident('home'))
    const pages = ['/', '/services', '/me', '/estimate', '/family', '/coverage', '/slips', '/pay', '/pay/orders', '/refunds', '/refunds/new', '/me/access-log', '/receipts/verify', '/cross-region', '/cross-region/new', '/no-such-page', '/desk/login']
    const sweep = async (mode: string) => {
      for (const path of pages) {
        await page.goto(path)
        await page.getByRole('heading', { level: 1 }).first().waitFor()
        // Settled: no spinner and nothing marked busy (the page's own data has arrived or failed).
        await page.waitForFunction(() => ![...document.querySelectorAll<HTMLElement>('.van-loading, [aria-busy="true"]')].some(e => e.checkVisibility()))
        expect(await page.getByRole('heading', { level: 1 }).count(), `${mode} ${path}`).toBe(1)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${mode} ${path}`).toBeLessThanOrEqual(375)
        await expectNoAxeViolations(page)
      }
    }
    await sweep('standard')
    await page.goto('/')
    await page.getByTestId('elder-toggle').click()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    await sweep('长辈版')
    await context.close()
  })
})
