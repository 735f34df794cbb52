import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { sandboxResidents, signInByPhone, sliceResidents } from './auth'
import { expectNoAxeViolations, launch, masked, mobileContext, screenshot } from './browser'

let browser: Browser
let people: Awaited<ReturnType<typeof slicePeople>>
beforeAll(async () => {
  browser = await launch()
  people = await slicePeople()
})
afterAll(async () => { await browser?.close() })

/**
 * The coverage slice's four people (see auth.ts), with their households: the owner is the one whose
 * household has a child under 16 among them (the household register confirms such a child at once).
 */
async function slicePeople() {
  const slice = await sliceResidents(['estimate', 'coverage', 'family'])
  const all = await sandboxResidents('region=370500')
  const seeded = slice.map(p => all.find(r => r.certNo === p.certNo)!)
  const owner = seeded.find(o => o.household.relation === 'head' && seeded.some(c => c.household.id === o.household.id && c.household.relation === 'child' && c.age < 16))!
  const child = seeded.find(c => c.household.id === owner.household.id && c.household.relation === 'child' && c.age < 16)!
  const other = seeded.find(p => p !== owner && p !== child)!
  return { owner, child, other }
}

async function qrSource(page: Page): Promise<string> {
  return (await page.getByTestId('evoucher-qr').getAttribute('src')) ?? ''
}

describe('参保查询 and 医保电子凭证 journey (375 px)', () => {
  it('shows a refreshing e-voucher QR, one\'s own coverage, then a bound child\'s', async () => {
    const { owner, child } = people
    // A household head and their child under 16 from the seed (the register confirms the child at once).
    expect(owner.household.id).toBe(child.household.id)
    expect(child.age).toBeLessThan(16)
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await signInByPhone(page, owner)

    // The e-voucher: an image with a text alternative, a countdown, and a new code before expiry
    // (the journeys run the app with EVOUCHER_TTL_S=12, so the renewal comes after 6 s).
    const qr = page.getByTestId('evoucher-qr')
    await qr.waitFor()
    expect(await qr.getAttribute('alt')).toMatch(/^医保电子凭证二维码，\d+秒内有效$/)
    expect(await page.getByTestId('evoucher-countdown').textContent()).toMatch(/\d+秒后自动刷新/)
    const first = await qrSource(page)
    expect(first).toMatch(/^data:image\/svg\+xml/)
    await page.waitForFunction(src => document.querySelector('[data-testid="evoucher-qr"]')?.getAttribute('src') !== src, first, { timeout: 20_000 })
    expect(await qrSource(page)).not.toBe(first)
    await screenshot(page, 'home-evoucher')
    await expectNoAxeViolations(page)

    // 参保查询 from the service grid.
    await page.getByRole('link', { name: '参保查询' }).click()
    await page.getByRole('heading', { level: 1, name: '参保查询' }).waitFor()
    await page.getByTestId('coverage-status').waitFor()
    expect(await page.getByTestId('coverage-person').textContent()).toContain(masked(owner.name))
    expect(await page.getByTestId('coverage-status').textContent()).toContain('正常参保')
    expect(await page.getByTestId('coverage-category').textContent()).toContain('成年居民')
    // Her 2022 premium was never paid (a gap year); 2023–2026 were.
    const years = await page.getByTestId('coverage-year').allTextContents()
    expect(years.find(y => y.includes('2022年度'))).toContain('暂停参保')
    expect(years.find(y => y.includes('2026年度'))).toContain('正常参保')
    expect(years.find(y => y.includes('2026年度'))).toContain('已缴 ¥400.00')
    // Ordinary Dongying resident: the ordinary tiers, no assistance, no stay this year.
    expect(await page.getByTestId('tier-basic-level').allTextContents()).toContain('三级医院：起付线1000元，超过部分报销60%')
    expect(await page.getByTestId('tier-critical').textContent()).toContain('超过1.6万元后')
    expect(await page.getByTestId('tier-assistance').textContent()).toContain('您目前不属于医疗救助对象')
    expect(await page.getByTestId('usage-stays').textContent()).toContain('今年还没有住院结算记录')
    // The tax bureau shows 2027 paid on 2026-10-26.
    expect(await page.getByTestId('next-year').textContent()).toContain('已缴费 ¥400.00')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'coverage')
    await expectNoAxeViolations(page)

    // Bind the child (household register confirms at once), then switch to them.
    await page.goto('/family')
    await page.getByLabel('姓名').fill(child.name)
    await page.getByLabel('身份证号').fill(child.certNo)
    await page.getByTestId('add-member').click()
    await page.getByText('已添加', { exact: true }).waitFor()
    await page.goto('/coverage')
    await page.getByTestId('coverage-status').waitFor()
    await page.getByTestId('member-option').filter({ hasText: masked(child.name) }).click()
    await page.waitForURL(url => new URL(url).searchParams.has('member'))
    await page.getByTestId('coverage-person').filter({ hasText: masked(child.name) }).waitFor()
    expect(await page.getByTestId('member-option').first().getAttribute('aria-pressed')).toBe('true')
    expect(await page.getByTestId('coverage-category').textContent()).toContain('中小学生')
    // Students pay 300 元 in Dongying; the child's 2027 premium is still due: a one-tap way to pay it.
    expect(await page.getByTestId('next-year').textContent()).toContain('尚未缴费，应缴 ¥300.00')
    await screenshot(page, 'coverage-member')
    await expectNoAxeViolations(page)
    await page.getByTestId('pay-next-year').click()
    await page.waitForURL(url => new URL(url).pathname === '/pay')

    // 长辈版: larger text and 60 px controls on the coverage page too.
    await page.goto('/')
    await page.getByTestId('elder-toggle').click()
    await page.goto('/coverage')
    await page.getByTestId('coverage-status').waitFor()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    expect(await page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(18)
    expect((await page.getByTestId('member-self').boundingBox())!.height).toBeGreaterThanOrEqual(60)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'coverage-elder')
    await expectNoAxeViolations(page)
    await context.close()
  })

  it('upstream down: shows the last known coverage under a clear banner, then fresh data again', async () => {
    const person = people.other
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await signInByPhone(page, person)
    await page.goto('/coverage')
    await page.getByTestId('coverage-status').waitFor()
    expect(await page.getByTestId('stale-banner').count()).toBe(0)

    const faults = `${inject('sandboxURL')}/__sandbox/faults`
    const put = await fetch(faults, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, infno: '5206' }) })
    expect(put.ok).toBe(true)
    try {
      // A reload within 30 s shows the copy the BFF just read (not stale); 刷新 asks the bureau now.
      await page.reload()
      await page.getByTestId('coverage-status').waitFor()
      expect(await page.getByTestId('stale-banner').count()).toBe(0)
      await page.getByTestId('coverage-refresh').click()
      const banner = page.getByTestId('stale-banner')
      await banner.waitFor()
      expect(await banner.textContent()).toMatch(/医保信息平台暂时无法访问，以下为 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 的信息/)
      expect(await page.getByTestId('coverage-person').textContent()).toContain(masked(person.name))
      await screenshot(page, 'coverage-stale')
      await expectNoAxeViolations(page)
    }
    finally {
      await fetch(faults, { method: 'DELETE' })
    }
    await page.getByTestId('coverage-refresh').click()
    await page.getByTestId('stale-banner').waitFor({ state: 'detached' })
    await page.getByTestId('coverage-status').waitFor()
    await context.close()
  })
})
