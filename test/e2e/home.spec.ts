import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nextResident, signInByPhone } from './auth'
import { expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'
import { elderProblems } from './elder'

let browser: Browser

/**
 * Each service-grid label with how it renders: its lines (its height in line-heights) and the lines its word
 * groups (`.service-grid__word`) start on. A label wrapped only between whole groups has every group on one
 * line and as many lines as distinct group lines; a group broken inside (异地就医备/案) spans two.
 */
function gridLabels(page: Page) {
  return page.locator('.service-grid__label').evaluateAll(labels => labels.map((label) => {
    const words = [...label.querySelectorAll('.service-grid__word')]
    const tops = new Set(words.map(w => Math.round(w.getClientRects()[0]!.top)))
    return {
      text: label.textContent,
      // A flex item, so a block: its lines are its height in line-heights.
      lines: Math.round(label.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(label).lineHeight)),
      wordLines: tops.size,
      split: words.filter(w => w.getClientRects().length !== 1).map(w => w.textContent),
    }
  }))
}

/** Asserts that every grid label of the page wraps only between whole word groups. */
async function expectGridLabelsWrapBetweenWords(page: Page) {
  for (const label of await gridLabels(page)) {
    expect(label.split, label.text!).toEqual([])
    expect(label.lines, label.text!).toBe(label.wordLines)
  }
}

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
    // Grid labels wrap only between whole words (异地就医 | 备案, never 异地就医备/案).
    await expectGridLabelsWrapBetweenWords(page)
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
    await expectGridLabelsWrapBetweenWords(page)
    await screenshot(page, 'home-elder')
    // 我的 in 长辈版: the masked ID number on one line, inside the cell (its label wraps instead).
    await page.getByRole('tab', { name: '我的' }).click()
    const number = page.getByTestId('account').locator('.nowrap-number')
    await number.waitFor()
    expect(await number.evaluate(el => el.getClientRects().length)).toBe(1)
    const cell = (await page.getByTestId('account').boundingBox())!
    const box = (await number.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(cell.x + cell.width)
    await page.getByRole('tab', { name: '首页' }).click()
    await page.getByTestId('resident-name').waitFor()
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

  it('医保码: one tap on the home code opens it full screen, and every tab has 医保码 in its header', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await signInByPhone(page, await nextResident('home'))
    await page.goto('/')
    await page.getByTestId('evoucher-open').click()
    await page.getByRole('heading', { level: 1, name: '医保码' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/e-voucher')
    const qr = page.getByTestId('evoucher-qr')
    await qr.waitFor()
    // Full screen: the code takes most of the 375 px width (it is 184 px on the home card).
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(280)
    expect(await page.getByTestId('evoucher-screenshot').textContent()).toContain('截图或照片过期后无法使用')
    await page.getByTestId('evoucher-countdown').waitFor()
    await expectNoAxeViolations(page)
    await screenshot(page, 'evoucher-full')
    for (const [tab, path] of [['办事', '/services'], ['我的', '/me'], ['首页', '/']] as const) {
      await page.goto(path)
      await page.getByRole('tab', { name: tab }).waitFor()
      await page.getByTestId('open-evoucher').click()
      await page.getByRole('heading', { level: 1, name: '医保码' }).waitFor()
    }
    await context.close()
  })

  // 22 page loads per mode, each with a full axe run (~1.5 s each on a quiet machine, several times that on a busy
  // one): a generous timeout, and no speed goal. A page that never settles names itself.
  it('every page a resident can reach, standard and 长辈版: one h1, no horizontal scroll, zero axe violations', {
    timeout: 420_000,
  }, async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await signInByPhone(page, await nextResident('home'))
    const pages = ['/', '/e-voucher', '/services', '/me', '/estimate', '/family', '/coverage', '/slips', '/pay',
      '/pay/orders', '/refunds', '/refunds/new', '/me/access-log', '/me/certificate', '/consent', '/receipts/verify',
      '/certificates/verify', '/slips/verify', '/cross-region', '/cross-region/new', '/no-such-page', '/desk/login']
    const sweep = async (mode: string) => {
      const elderIssues: string[] = []
      for (const path of pages) {
        await page.goto(path)
        await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 30_000 })
          .catch((e: Error) => { throw new Error(`${mode} ${path}: no h1 (${e.message})`) })
        // Settled: no spinner and nothing marked busy (the page's own data has arrived or failed).
        await page.waitForFunction(
          () => ![...document.querySelectorAll<HTMLElement>('.van-loading, [aria-busy="true"]')].some(e => e.checkVisibility()),
          undefined,
          { timeout: 30_000 },
        ).catch((e: Error) => { throw new Error(`${mode} ${path}: never settled (${e.message})`) })
        expect(await page.getByRole('heading', { level: 1 }).count(), `${mode} ${path}`).toBe(1)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${mode} ${path}`).toBeLessThanOrEqual(375)
        await expectNoAxeViolations(page)
        // 长辈版 numbers from computed styles: text ≥ 18 px, controls ≥ 60 px tall, body line-height ≥ 1.3.
        if (mode === '长辈版') elderIssues.push(...(await elderProblems(page)).map(p => `${path}: ${p}`))
      }
      expect(elderIssues, mode).toEqual([])
    }
    await sweep('standard')
    await page.goto('/')
    await page.getByTestId('elder-toggle').click()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    await sweep('长辈版')
    await context.close()
  })
})
