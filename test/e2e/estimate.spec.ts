import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** Amount (fen) of each part drawn in the bar. */
async function barFen(page: Page): Promise<Record<string, number>> {
  return page.locator('[data-testid="settlement-bar"] [data-tier]').evaluateAll(els =>
    Object.fromEntries(els.map(e => [e.getAttribute('data-tier'), Number(e.getAttribute('data-fen'))])))
}

/** Dongying 2020, 低保, level 3, 50 000 元 with 5 000 元 out of the list. */
async function fillDongyingBill(page: Page) {
  await page.getByRole('radio', { name: '东营市2020年城乡居民基本医疗保障政策' }).check()
  await page.getByRole('checkbox', { name: '低保对象' }).check()
  await page.getByRole('radio', { name: '三级医院（市级及以上医院）' }).check()
  await page.getByLabel('住院总费用（元）').fill('50000')
  await page.getByLabel('其中医保目录外费用（元）').fill('5000.00')
  await page.getByRole('button', { name: '开始测算' }).click()
  await page.getByRole('heading', { level: 2, name: '测算结果' }).waitFor()
}

/** Every visible text in the page content is at least `min` px. */
async function smallestText(page: Page): Promise<{ size: number, text: string }> {
  return page.locator('#main').evaluate((main) => {
    let smallest = { size: Number.POSITIVE_INFINITY, text: '' }
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement!
      if (!n.textContent?.trim() || el.closest('.visually-hidden, [hidden]') || el.getClientRects().length === 0) continue
      const size = Number.parseFloat(getComputedStyle(el).fontSize)
      if (size < smallest.size) smallest = { size, text: n.textContent.trim().slice(0, 20) }
    }
    return smallest
  })
}

describe('报销测算 journey (375 px, WeChat UA)', () => {
  it('from the home page: Dongying 低保, level 3, amounts in 元 → bar and explanation with hand-checked numbers', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    const sent: string[] = []
    page.on('request', request => void sent.push(request.url()))
    await page.goto('/')
    await page.getByRole('link', { name: '报销测算' }).click()
    await page.getByRole('heading', { level: 1, name: '报销测算' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/estimate')
    expect(await page.title()).toBe('报销测算 - 医保自助')
    await fillDongyingBill(page)

    // in-policy 45 000 元; basic 60 % × (45 000 − 1 000) = 26 400 元; burden 18 600 元;
    // critical (低保 table) 65 % × (18 600 − 5 000) = 8 840 元; assistance 70 % × (18 600 − 8 840) = 6 832 元;
    // personal 50 000 − 26 400 − 8 840 − 6 832 = 7 928 元.
    expect(await barFen(page)).toEqual({ basic: 2_640_000, critical: 884_000, assistance: 683_200, personal: 792_800 })
    const legend = page.locator('.settlement-bar__legend')
    for (const [name, amount] of [['基本医保', '¥26,400.00'], ['大病保险', '¥8,840.00'], ['医疗救助', '¥6,832.00'], ['医院承担', '¥0.00'], ['个人自付', '¥7,928.00']])
      expect(await legend.getByRole('listitem').filter({ hasText: name }).textContent()).toContain(amount)
    expect(await page.getByTestId('estimate-summary').textContent()).toContain('住院总费用 ¥50,000.00，其中您需自付 ¥7,928.00')
    // Labels in the bar too (colour is not the only cue).
    expect(await page.locator('[data-testid="settlement-bar"] [data-tier="basic"]').textContent()).toBe('基本医保')

    const steps = page.locator('.settlement-steps__item')
    expect(await steps.count()).toBe(4)
    expect(await steps.nth(0).textContent()).toContain('先扣除起付线 1,000.00 元，剩下的 44,000.00 元由基本医保按 60% 报销，基本医保支付 26,400.00 元')
    expect(await steps.nth(0).textContent()).toContain('依据：东医保发〔2020〕56号 二(一)')
    expect(await steps.nth(0).locator('.badge-assumed').textContent()).toBe('假设值')
    expect(await steps.nth(1).textContent()).toContain('累计 5,000.00 元到 18,600.00 元之间的 13,600.00 元按 65% 报销 8,840.00 元')
    expect(await steps.nth(2).textContent()).toContain('医疗救助按其中的 70% 救助，救助 6,832.00 元')
    expect(await steps.nth(3).textContent()).toContain('您出院时自己需要支付 7,928.00 元')
    expect(await page.getByText('部分参数为测算假设').count()).toBe(1)
    // Computed on the phone, as the page says: the bill and the 低保 status were sent nowhere.
    expect(await page.getByText('填写的内容不会上传').count()).toBe(1)
    expect(sent.filter(url => url.includes('/api/v1/estimates'))).toEqual([])

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await page.locator('.estimate__details summary').click()
    await screenshot(page, 'estimate')
    await expectNoAxeViolations(page)
    await context.close()
  })

  it('shows the Chinese field message for a bad amount, and computes offline', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    const sent: string[] = []
    page.on('request', request => void sent.push(request.url()))
    await page.goto('/estimate')
    await page.getByRole('heading', { level: 1, name: '报销测算' }).waitFor()
    // The form's checks load once the first screen is up and the phone idle (not with it: issue 14's TBT): the
    // connection drops after the page has loaded.
    await page.waitForLoadState('networkidle')
    await context.setOffline(true)
    await page.getByLabel('住院总费用（元）').fill('100.005')
    await page.getByRole('button', { name: '开始测算' }).click()
    await page.getByText('住院总费用最多填写两位小数（精确到分）').waitFor()
    expect(await page.getByLabel('住院总费用（元）').getAttribute('aria-invalid')).toBe('true')
    await screenshot(page, 'estimate-error')
    await expectNoAxeViolations(page)

    // Guizhou 特困, level 2, not referred: no critical-illness payout (ordinary threshold 9 000 元);
    // basic 80 % × (25 000 − 400) = 19 680 元; hospital bears 5 000 − 3 000 = 2 000 元;
    // assistance 70 % × 5 320 = 3 724 元; personal 30 000 − 19 680 − 2 000 − 3 724 = 4 596 元.
    await page.getByRole('radio', { name: '贵州省2019年医疗保障扶贫政策' }).check()
    await page.getByRole('checkbox', { name: '特困人员' }).check()
    await page.getByRole('radio', { name: '二级医院（县级医院等）' }).check()
    await page.getByRole('radio', { name: '未办理转诊' }).check()
    await page.getByLabel('住院总费用（元）').fill('30000')
    await page.getByLabel('其中医保目录外费用（元）').fill('5000')
    await page.getByRole('button', { name: '开始测算' }).click()
    await page.getByRole('heading', { level: 2, name: '测算结果' }).waitFor()
    expect(await barFen(page)).toEqual({ basic: 1_968_000, assistance: 372_400, hospital: 200_000, personal: 459_600 })
    expect(await page.locator('.settlement-steps__item[data-tier="critical"]').textContent()).toContain('按一般居民标准计算')
    // What was entered never left the phone: no request carried it.
    expect(sent.filter(url => url.includes('/api/v1/estimates'))).toEqual([])
    await context.close()
  })

  it('in 长辈版: text of at least 18 px, 60 px choices, no horizontal scroll, zero axe violations', async () => {
    const context = await mobileContext(browser, { elder: true })
    const page = await context.newPage()
    await page.goto('/estimate')
    await page.getByRole('heading', { level: 1, name: '报销测算' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    await fillDongyingBill(page)
    const smallest = await smallestText(page)
    expect(smallest.size, `smallest text: “${smallest.text}”`).toBeGreaterThanOrEqual(18)
    for (const choice of await page.locator('.estimate__choice').all()) {
      const box = (await choice.boundingBox())!
      expect(box.height).toBeGreaterThanOrEqual(60)
    }
    expect((await page.getByRole('button', { name: '开始测算' }).boundingBox())!.height).toBeGreaterThanOrEqual(60)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'estimate-elder')
    await expectNoAxeViolations(page)
    await context.close()
  })
})
