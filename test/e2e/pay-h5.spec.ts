import type { Browser, Page } from 'playwright-core'
import { defaultPaymentYear } from '@yibao/shared'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { SandboxResident } from './auth'
import { activeResident, sandboxCall, sandboxResidents, signInByPhone } from './auth'
import { appNow, expectNoAxeViolations, launch, maskedCert, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** The year the pay screen offers first on the app's day (SANDBOX_CLOCK, see global-setup.ts). */
const YEAR = defaultPaymentYear(appNow())
const ORDER_PATH = /^\/pay\/orders\/([0-9a-f-]{36})$/

/** Whether the tax bureau (sandbox) would take this person's premium for YEAR now. */
async function payable(certNo: string): Promise<boolean> {
  const res = await sandboxCall('POST', '/tax/api/premium/quote', { sfzjlx: '201', sfzjhm: certNo, jfnd: YEAR })
  const body = await res.json() as { jfxx?: { kjbz: string } }
  return body.jfxx?.kjbz === '1'
}

/**
 * A Guizhou adult who owes YEAR's premium and whom no other journey signs in: Dongying's people are the other
 * journeys' slices (auth.ts), Fengxiang's few go to pay.spec and desk-identity.spec. Of the Guizhou adults in
 * households without a child under 16 (pay-integrity.spec takes couples with a child), other than the household
 * staff.spec looks up: not the first who owes nor that one's household (staff.spec's desk payer), not the last
 * four (identity.spec takes them from the end).
 */
async function h5Payer(): Promise<SandboxResident> {
  const all = await sandboxResidents('region=520000')
  const lookedUp = all.find(activeResident)?.household.id
  const withChild = new Set(all.filter(r => r.age < 16).map(r => r.household.id))
  const adults = all.filter(r => activeResident(r) && r.age >= 18 && r.household.id !== lookedUp
    && !withChild.has(r.household.id))
  let staffHousehold: string | null = null
  for (const r of adults.slice(0, -4)) {
    if (!await payable(r.certNo)) continue
    if (staffHousehold === null) {
      staffHousehold = r.household.id
      continue
    }
    if (r.household.id !== staffHousehold && !r.tags.length) return r
  }
  throw new Error(`no Guizhou adult left who owes a ${YEAR} premium for the H5 journey`)
}

async function orderIdOf(page: Page): Promise<string> {
  await page.waitForURL(url => ORDER_PATH.test(new URL(url).pathname))
  return ORDER_PATH.exec(new URL(page.url()).pathname)![1]!
}

/** WeChat Pay's H5 cashier (the sandbox's), opened by our page: its origin is the sandbox's. */
async function onCashier(page: Page): Promise<void> {
  await page.waitForURL(url => url.origin === new URL(inject('sandboxURL')).origin)
  await page.getByRole('heading', { name: '微信支付（沙箱）' }).waitFor()
}

describe('参保缴费 by WeChat Pay H5 in a phone browser (375 px, Chrome on Android, not WeChat)', () => {
  it('确认支付 opens WeChat Pay\'s H5 page; back unpaid (取消) the page asks and says 未支付; 重新支付, paid, back: '
    + '支付成功 with the receipt', async () => {
    const payer = await h5Payer()
    const context = await mobileContext(browser, { inWeChat: false })
    const page = await context.newPage()
    await signInByPhone(page, payer)

    // The pay page offers WeChat on this phone (H5) first, or a QR code for another phone.
    await page.goto('/pay')
    await page.getByRole('heading', { level: 1, name: '参保缴费' }).waitFor()
    await page.locator('[data-testid="pay-person"][data-status="payable"]').first().waitFor()
    expect(await page.getByTestId('pay-pick-self').isChecked()).toBe(true)
    const channels = page.getByRole('group', { name: '支付方式' })
    expect(await channels.getByRole('radio', { name: '本机微信支付（跳转到微信）' }).isChecked()).toBe(true)
    expect(await channels.getByRole('radio', { name: '用另一部手机扫码支付' }).isChecked()).toBe(false)
    expect(await page.getByTestId('pay-channel-hint').textContent())
      .toContain('将跳转到微信完成支付，支付后自动回到本页查看结果。')
    const due = (await page.getByTestId('pay-total').textContent())!.match(/合计 (¥[\d,]+\.\d{2})/)![1]!
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-h5')

    // 确认支付: the browser goes to WeChat Pay's H5 address, with our origin as the Referer (WeChat Pay refuses
    // the visit without one: 商家参数格式有误), carrying the way back to our order page.
    const cashierRequest = page.waitForRequest(r => r.url().includes('/__sandbox/wechatpay/h5?'))
    await page.getByTestId('pay-confirm').click()
    const request = await cashierRequest
    expect(await request.headerValue('referer')).toBe(`${new URL(page.url()).origin}/`)
    const back = new URL(new URL(request.url()).searchParams.get('redirect_url')!)
    expect(back.pathname).toMatch(ORDER_PATH)
    expect(back.searchParams.get('from')).toBe('h5')
    await onCashier(page)
    expect(await page.getByText('H5支付（手机浏览器）').count()).toBe(1)
    expect(await page.getByText(due.replace(/,/g, '').replace('¥', '')).count()).toBeGreaterThan(0)
    // WeChat Pay was told where the payer is: their real address (the one our proxy reported).
    const orders = (await (await sandboxCall('GET', '/__sandbox/wechatpay/orders')).json()) as
      { orders: { out_trade_no: string, trade_type: string, payer_client_ip?: string, h5_url?: string }[] }
    const sim = orders.orders.find(o => o.h5_url && request.url().startsWith(o.h5_url))!
    expect(sim).toMatchObject({ trade_type: 'MWEB' })
    expect(sim.payer_client_ip).toMatch(/^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/)
    await screenshot(page, 'pay-h5-cashier')

    // 取消: WeChat sends the browser back; the page asks (the BFF asks WeChat Pay) before it says anything. The
    // answer is held here a moment to see what the payer sees meanwhile.
    let answer!: () => void
    const held = new Promise<void>((resolve) => { answer = resolve })
    const orderRead = (url: URL) => /^\/api\/v1\/payments\/orders\/[0-9a-f-]{36}$/.test(url.pathname)
    await page.route(orderRead, async (route) => {
      await held
      await route.continue()
    }, { times: 1 })
    await page.getByRole('button', { name: '取消' }).click()
    const id = await orderIdOf(page)
    expect(new URL(page.url()).searchParams.get('from')).toBe('h5')
    const confirming = page.getByTestId('order-confirming')
    await confirming.getByText('正在确认支付结果…').waitFor()
    expect(await confirming.getAttribute('role')).toBe('status')
    expect(await page.getByTestId('order-heading').count()).toBe(0)
    await expectNoAxeViolations(page)
    answer()
    const heading = page.getByTestId('order-heading')
    await heading.getByText('未支付').waitFor()
    expect(await page.getByTestId('order-h5-hint').textContent()).toContain('微信支付没有收到这笔订单的付款')
    expect(await page.getByTestId('order-line').textContent()).toContain(maskedCert(payer.certNo))
    expect(await page.getByTestId('order-total').textContent()).toContain(due)
    expect(await page.getByRole('button', { name: '重新支付' }).isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: '取消订单' }).isVisible()).toBe(true)
    expect(await page.getByTestId('pay-qr').count()).toBe(0)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-h5-unpaid')
    expect((await (await sandboxCall('GET', `/__sandbox/wechatpay/orders/${sim.out_trade_no}`)).json()))
      .toMatchObject({ trade_state: 'NOTPAY' })

    // 重新支付: a current H5 address for the same order, WeChat Pay's page again; 确认支付 this time.
    await page.getByRole('button', { name: '重新支付' }).click()
    await onCashier(page)
    await page.getByRole('button', { name: '确认支付' }).click()
    expect(await orderIdOf(page)).toBe(id)
    await heading.getByText('支付成功').waitFor({ timeout: 15_000 })
    const receipt = page.getByTestId('receipt')
    expect(await receipt.count()).toBe(1)
    expect(await receipt.textContent()).toContain(maskedCert(payer.certNo))
    expect(await page.getByTestId('receipt-code').textContent()).toMatch(/^\s*[A-Z2-9]{4}(?:-[A-Z2-9]{4}){3}\s*$/)
    expect(await page.getByRole('button', { name: '重新支付' }).count()).toBe(0)
    expect((await (await sandboxCall('GET', `/__sandbox/wechatpay/orders/${sim.out_trade_no}`)).json()))
      .toMatchObject({ trade_state: 'SUCCESS', trade_type: 'MWEB' })
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-h5-success')

    // 缴费记录 lists it as paid; the person cannot be picked again.
    await page.goto('/pay/orders')
    const row = page.getByTestId('payment-order').first()
    await row.waitFor()
    expect(await row.textContent()).toContain('支付成功')
    await page.goto('/pay')
    await page.locator('[data-testid="pay-person"][data-status="paid"]').waitFor()
    expect(await page.getByTestId('pay-pick-self').isDisabled()).toBe(true)
    await context.close()
  }, 180_000)
})
