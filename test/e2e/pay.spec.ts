import type { Browser, Page } from 'playwright-core'
import { readFile } from 'node:fs/promises'
import { defaultPaymentYear } from '@yibao/shared'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxResident as Seeded } from './auth'
import {
  activeResident,
  faceCheck,
  fillPhoneAndCode,
  landOnHome,
  nextResident,
  sandboxCall,
  sandboxResidents,
  signInByPhone,
  staffSignIn,
  uniquePhone,
  wechatAuthorize,
} from './auth'
import {
  appNow,
  expectNoAxeViolations,
  launch,
  masked,
  maskedCert,
  mobileContext,
  payOnAnotherPhone,
  screenshot,
} from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** The year the pay screen offers first on the app's day (SANDBOX_CLOCK, see global-setup.ts). */
const YEAR = defaultPaymentYear(appNow())
const RECEIPT_CODE = /^[A-Z2-9]{4}(?:-[A-Z2-9]{4}){3}$/

async function seeded(region: string): Promise<Seeded[]> {
  return sandboxResidents(`region=${region}`)
}

/** Whether the tax bureau (sandbox) would take this person's premium for YEAR now. */
async function payable(certNo: string): Promise<boolean> {
  const res = await sandboxCall('POST', '/tax/api/premium/quote', { sfzjlx: '201', sfzjhm: certNo, jfnd: YEAR })
  const body = await res.json() as { jfxx?: { kjbz: string } }
  return body.jfxx?.kjbz === '1'
}

const active = activeResident

/** An adult (head or spouse) and a child under 16 of theirs (the register confirms it at once), both due, oldest child first. */
function householdPair(due: Seeded[]): { adult: Seeded, child: Seeded } | null {
  const children = due.filter(c => c.age < 16 && ['child', 'grandchild'].includes(c.household.relation)).sort((a, b) => b.age - a.age)
  for (const child of children) {
    const adult = due.find(a => a.household.id === child.household.id && a.age >= 18 && ['head', 'spouse'].includes(a.household.relation))
    if (adult) return { adult, child }
  }
  return null
}

/**
 * The people of these journeys, all due for YEAR now (checked with the tax stand-in): the `pay` slice
 * (see auth.ts) gives the Dongying resident the Dongying clerk serves, and the others where it can. The
 * Dongying pool is all handed out to slices, so what the slice lacks (a household with a child for the
 * WeChat journey, someone for the Native one) comes from Fengxiang, whose people no journey signs in.
 */
async function people() {
  const slice = [await nextResident('pay'), await nextResident('pay'), await nextResident('pay'), await nextResident('pay')]
  const dongying = await seeded('370500')
  const due: Seeded[] = []
  for (const p of slice) {
    if (await payable(p.certNo)) due.push(dongying.find(r => r.certNo === p.certNo)!)
  }
  const desk = due[0]
  if (!desk) throw new Error(`nobody of the pay slice owes a ${YEAR} premium: the help-desk journey needs one Dongying resident`)
  const fengxiang: Seeded[] = []
  for (const r of await seeded('610322')) {
    if (active(r) && await payable(r.certNo)) fengxiang.push(r)
  }
  const pair = householdPair(due.slice(1)) ?? householdPair(fengxiang)
  if (!pair) throw new Error(`no household with an adult and a child under 16 both due for ${YEAR}`)
  const taken = new Set([desk.certNo, pair.adult.certNo, pair.child.certNo])
  const self = [...due, ...fengxiang].find(p => !taken.has(p.certNo) && p.age >= 18)
  if (!self) throw new Error(`nobody is left due for ${YEAR} for the Native journey`)
  return { self, desk, ...pair }
}

let cast: Awaited<ReturnType<typeof people>>
beforeAll(async () => { cast = await people() })

async function orderHeading(page: Page): Promise<string> {
  return (await page.getByTestId('order-heading').textContent())?.trim() ?? ''
}

describe('参保缴费 journeys (375 px)', () => {
  it('pays for oneself by Native QR scanned on another phone; the page turns to 支付成功 live; the receipt verifies publicly; then asks for it back (退费)', async () => {
    const { self } = cast
    const context = await mobileContext(browser, { inWeChat: false })
    const page = await context.newPage()
    await signInByPhone(page, self)

    // From the service grid.
    await page.locator('[data-service="pay"]').first().click()
    await page.waitForURL(url => new URL(url).pathname === '/pay')
    await page.getByRole('heading', { level: 1, name: '参保缴费' }).waitFor()
    const me = page.getByTestId('pay-person').filter({ has: page.getByTestId('pay-pick-self') })
    await page.locator('[data-testid="pay-person"][data-status="payable"]').first().waitFor()
    expect(await me.getAttribute('data-status')).toBe('payable')
    expect(await page.getByTestId('pay-pick-self').isChecked()).toBe(true)
    expect(await me.textContent()).toContain(masked(self.name))
    expect(await me.textContent()).toMatch(/缴费标准 ¥[\d,]+\.\d{2}，政府资助 ¥[\d,]+\.\d{2}/)
    const due = (await me.getByTestId('pay-status').textContent())!.match(/应缴 (¥[\d,]+\.\d{2})/)![1]!
    expect(await page.getByTestId('pay-total').textContent()).toBe(`共1人，合计 ${due}`)
    // A phone outside WeChat is offered WeChat on the same phone (H5) first; this payer scans with another phone.
    expect(await page.getByTestId('pay-channel-h5').isChecked()).toBe(true)
    await page.getByLabel('用另一部手机扫码支付').check()
    expect(await page.getByText('将生成微信支付二维码，请用另一部手机的微信扫一扫。').count()).toBe(1)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(page)
    // The sign-in toast fades first (only for a clean screenshot).
    await page.waitForFunction(() => ![...document.querySelectorAll<HTMLElement>('.van-toast')].some(e => e.checkVisibility()))
    await screenshot(page, 'pay')

    // 代缴 checks the ID number with the shared rules before asking anyone.
    await page.getByLabel('身份证号', { exact: true }).fill('370502198603150421')
    await page.getByLabel('姓名', { exact: true }).fill('李四')
    await page.getByTestId('pay-add-other').click()
    await page.getByText('身份证号码校验不通过，请核对后重新输入').waitFor()
    await page.getByLabel('身份证号', { exact: true }).fill('')
    await page.getByLabel('姓名', { exact: true }).fill('')

    // The order page listens to the order's server-sent events.
    const events = page.waitForRequest(r => /\/api\/v1\/payments\/orders\/[0-9a-f-]{36}\/events$/.test(r.url()))
    await page.getByTestId('pay-confirm').click()
    await page.waitForURL(url => /^\/pay\/orders\/[0-9a-f-]{36}$/.test(new URL(url).pathname))
    await page.getByTestId('pay-qr-image').waitFor()
    await events
    expect(await page.getByTestId('pay-qr').textContent()).toContain('请用另一部手机的微信扫一扫')
    expect(await page.getByTestId('pay-qr-amount').textContent()).toContain(due)
    expect(await page.getByTestId('pay-countdown').textContent()).toMatch(/请在 (?:29|30):\d{2} 内完成支付/)
    expect(await page.getByTestId('pay-qr-image').getAttribute('alt')).toBe(`微信支付二维码，金额${due}`)
    expect(await orderHeading(page)).toBe('待支付')
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-qr')

    // Another phone scans (the simulator's payer page for the same code_url) and pays.
    const href = (await page.getByTestId('pay-sandbox-link').getAttribute('href'))!
    expect(new URL(href).searchParams.get('code_url')).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
    await payOnAnotherPhone(browser, href)

    // No reload: the order page follows the order.
    await page.getByTestId('order-heading').getByText('支付成功').waitFor({ timeout: 15_000 })
    expect(await page.getByTestId('pay-qr').count()).toBe(0)
    // Focus moved to the heading for screen readers, with no ring drawn around it (not a control).
    const heading = page.getByTestId('order-heading')
    expect(await heading.evaluate(el => document.activeElement === el)).toBe(true)
    expect(await heading.evaluate(el => getComputedStyle(el).outlineStyle)).toBe('none')
    const receipt = page.getByTestId('receipt')
    expect(await receipt.count()).toBe(1)
    expect(await receipt.textContent()).toContain(maskedCert(self.certNo))
    const code = (await page.getByTestId('receipt-code').textContent())!.trim()
    expect(code).toMatch(RECEIPT_CODE)
    expect(await page.getByRole('img', { name: `电子缴费凭证核验二维码，凭证编号${code}` }).count()).toBe(1)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-success')

    // The person's 电子缴费凭证 as a PDF, downloaded from the order page.
    const pdfLink = page.getByTestId('receipt-pdf')
    expect(await pdfLink.count()).toBe(1)
    expect(await pdfLink.getAttribute('aria-label')).toBe(`下载凭证PDF（${masked(self.name)}）`)
    const [receiptDownload] = await Promise.all([page.waitForEvent('download'), pdfLink.click()])
    expect(receiptDownload.suggestedFilename()).toMatch(new RegExp(`-${YEAR}-${code}\\.pdf$`))
    const receiptPdf = await readFile((await receiptDownload.path())!)
    expect(receiptPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(receiptPdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+WenQuanYiMicroHei/)
    expect(receiptPdf.toString('latin1')).toContain(`/receipts/verify?code=${code})`)

    // 我的 → 缴费记录 lists it.
    await page.goto('/me')
    await page.getByTestId('payment-records').click()
    await page.getByRole('heading', { level: 1, name: '缴费记录' }).waitFor()
    const row = page.getByTestId('payment-order').first()
    await row.waitFor()
    expect(await row.textContent()).toContain(`${YEAR}年度 · 1人 · ${due}`)
    expect(await row.textContent()).toContain('支付成功')
    await expectNoAxeViolations(page)

    // Paid: the person cannot be selected again.
    await page.goto('/pay')
    await page.locator('[data-testid="pay-person"][data-status="paid"]').waitFor()
    expect(await page.getByTestId('pay-pick-self').isDisabled()).toBe(true)
    expect(await page.getByTestId('pay-person').first().textContent()).toContain('已缴费')

    // 长辈版 on the pay page: larger text and 60 px controls, no sideways scrolling.
    await page.goto('/')
    await page.getByTestId('elder-toggle').click()
    await page.goto('/pay')
    await page.locator('[data-testid="pay-person"][data-status="paid"]').waitFor()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    expect(await page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(18)
    expect((await page.getByTestId('pay-confirm').boundingBox())!.height).toBeGreaterThanOrEqual(60)
    expect((await page.getByTestId('pay-add-other').boundingBox())!.height).toBeGreaterThanOrEqual(60)
    expect((await page.getByTestId(`pay-year-${YEAR}`).boundingBox())!.width).toBeGreaterThanOrEqual(28)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-elder')

    // Anyone can check the receipt, without signing in: masked facts only.
    const anyone = await mobileContext(browser, { inWeChat: false })
    const check = await anyone.newPage()
    await check.goto(`/receipts/verify?code=${code}`)
    await check.getByTestId('receipt-valid').waitFor()
    expect(await check.getByTestId('receipt-valid').textContent()).toContain('真实有效')
    expect(await check.getByTestId('receipt-fact-name').textContent()).toBe(masked(self.name))
    expect(await check.getByTestId('receipt-fact-cert').textContent()).toBe(maskedCert(self.certNo))
    expect(await check.getByTestId('receipt-fact-amount').textContent()).toBe(due)
    expect(await check.content()).not.toContain(self.certNo)
    await expectNoAxeViolations(check)
    await screenshot(check, 'receipt-verify')
    // A made-up code is clearly not found.
    await check.getByLabel('凭证编号', { exact: true }).fill('ABCD-EFGH-JKLM-NPQR')
    await check.getByTestId('receipt-verify').click()
    await check.getByTestId('receipt-not-found').getByText('未找到该凭证').waitFor()
    await expectNoAxeViolations(check)

    // 退费: enrolled twice by mistake, the resident asks for this premium back from 退费申请 on the
    // home grid (still in 长辈版). The tax bureau has to hold the payment first (the worker reports it).
    await expect.poll(async () => (await (await page.request.get(`/api/v1/receipts/${code}`)).json() as { reported: boolean }).reported, { timeout: 15_000 }).toBe(true)
    await page.goto('/')
    await page.getByRole('link', { name: '退费申请' }).click()
    await page.getByRole('heading', { level: 1, name: '退费申请' }).waitFor()
    await expectNoAxeViolations(page)
    await page.getByTestId('refunds-to-orders').click()
    await page.getByTestId('payment-order').first().click()
    await page.getByTestId('refund-apply').first().click()
    await page.getByRole('heading', { level: 1, name: '申请退费' }).waitFor()
    expect(await page.getByTestId('refund-submit').textContent()).toContain('提交退费申请')
    await page.getByTestId('refund-submit').click()
    await page.getByTestId('refund-reason-error').getByText('请选择退费原因').waitFor()
    await page.getByText('重复参保或重复缴费').click()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(page)
    await screenshot(page, 'refund-apply-elder')
    await page.getByTestId('refund-submit').click()
    // Nothing is sent before the resident confirms who, which year and how much, inline.
    const confirmStep = page.getByTestId('refund-confirm-step')
    await confirmStep.getByRole('heading', { name: '请确认退费申请' }).waitFor()
    expect(await confirmStep.getByTestId('refund-confirm-amount').textContent()).toContain(due)
    await expectNoAxeViolations(page)
    await confirmStep.getByTestId('refund-confirm').click()
    await page.waitForURL(url => new URL(url).pathname === '/refunds')
    // 医保审核 → WeChat Pay refunds to the original account → the page follows it without a reload.
    const item = page.getByTestId('refund-item').first()
    await item.getByTestId('refund-status').getByText('已退回原支付账户').waitFor({ timeout: 15_000 })
    expect(await item.textContent()).toContain(due)
    expect(await item.textContent()).toContain('重复参保或重复缴费')
    await expectNoAxeViolations(page)
    await screenshot(page, 'refunds-elder')
    // 缴费记录 no longer says 支付成功 of a premium that went back.
    await page.goto('/pay/orders')
    await page.getByTestId('payment-order').first().and(page.locator('[data-status="refunded"]')).waitFor()
    expect(await page.getByTestId('payment-order').first().textContent()).toContain('已退费')
    // The request is in the resident's own 访问记录, in words.
    await page.goto('/me/access-log')
    await page.getByTestId('access-entry').filter({ hasText: '本人 · 申请退费' }).first().waitFor()

    // The receipt is void now, and the person may pay for the year again.
    await check.goto(`/receipts/verify?code=${code}`)
    await check.getByTestId('receipt-refunded').waitFor()
    expect(await check.getByRole('alert').getByText('已退费，本凭证作废').count()).toBe(1)
    expect(await check.getByTestId('receipt-refunded-at').textContent()).toMatch(/退费时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
    expect(await check.getByTestId('receipt-valid').count()).toBe(0)
    await expectNoAxeViolations(check)
    await page.goto('/pay')
    await page.locator('[data-testid="pay-person"][data-status="payable"]').waitFor()
    await anyone.close()
    await context.close()
  })

  it('inside WeChat: signs in through WeChat, binds a child, pays for both by JSAPI and comes back to 支付成功 with two receipts', async () => {
    const { adult, child } = cast
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await wechatAuthorize(page)
    await fillPhoneAndCode(page, uniquePhone())
    await page.getByLabel('姓名').fill(adult.name)
    await page.getByLabel('身份证号').fill(adult.certNo)
    await page.getByTestId('submit').click()
    // A first binding: the person's 人脸核身 on the sandbox simulator, then the 用户协议 and 隐私政策.
    await faceCheck(page)
    await landOnHome(page)
    await page.getByTestId('resident-name').waitFor()

    // The child: confirmed on the household register, linked at once.
    await page.goto('/family')
    await page.getByLabel('姓名').fill(child.name)
    await page.getByLabel('身份证号').fill(child.certNo)
    await page.getByTestId('add-member').click()
    await page.getByText('已添加', { exact: true }).waitFor()

    // The old 即将上线 address of the service now leads here.
    await page.goto('/services/pay')
    await page.waitForURL(url => new URL(url).pathname === '/pay')
    const kid = page.getByTestId('pay-person').filter({ hasText: maskedCert(child.certNo) })
    await kid.and(page.locator('[data-status="payable"]')).waitFor()
    expect(await kid.textContent()).toContain('家人')
    await kid.getByRole('checkbox').check()
    const dues = await page.getByTestId('pay-status').allTextContents()
    expect(dues.filter(d => d.includes('应缴'))).toHaveLength(2)
    expect(await page.getByTestId('pay-total').textContent()).toMatch(/^共2人，合计 ¥/)
    expect(await page.getByText('将在微信中完成支付。').count()).toBe(1)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-wechat')

    // No WeixinJSBridge in the sandbox: the simulator's payer page stands in for WeChat's payment sheet.
    await page.getByTestId('pay-confirm').click()
    await page.getByRole('heading', { name: '微信支付（沙箱）' }).waitFor()
    expect(new URL(page.url()).searchParams.get('prepay_id')).toMatch(/^wx\d{14}/)
    expect(await page.getByText('公众号支付（JSAPI）').count()).toBe(1)
    await page.getByRole('button', { name: '确认支付' }).click()
    await page.getByRole('link', { name: '完成，返回商户' }).click()
    await page.waitForURL(url => /^\/pay\/orders\/[0-9a-f-]{36}$/.test(new URL(url).pathname))
    await page.getByTestId('order-heading').getByText('支付成功').waitFor({ timeout: 15_000 })
    const receipts = page.getByTestId('receipt')
    expect(await receipts.count()).toBe(2)
    expect((await receipts.allTextContents()).join('')).toContain(maskedCert(child.certNo))
    expect((await receipts.allTextContents()).join('')).toContain(maskedCert(adult.certNo))
    for (const c of await page.getByTestId('receipt-code').allTextContents()) expect(c.trim()).toMatch(RECEIPT_CODE)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-wechat-success')

    // 查看凭证 opens the public check of that receipt.
    await page.getByTestId('receipt-link').first().click()
    await page.getByTestId('receipt-valid').waitFor()
    await context.close()
  })

  it('help desk: a clerk scans a Dongying resident\'s 电子凭证 and makes a payment QR, which they pay on their phone; the desk updates live', async () => {
    const { desk } = cast
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await page.goto('/desk/login')
    await staffSignIn(page, 'e2e-cashier')

    // Looked up by name + ID number, the 代缴 form takes the name as typed…
    await page.getByLabel('姓名', { exact: true }).fill(desk.name)
    await page.getByLabel('身份证号', { exact: true }).fill(desk.certNo)
    await page.getByTestId('desk-lookup').click()
    await page.getByTestId('desk-person-name').waitFor()
    await page.getByTestId('desk-pay').waitFor()
    expect(await page.getByLabel('缴费人姓名', { exact: true }).inputValue()).toBe(desk.name)

    // …but at the window the resident simply shows their 电子凭证: the clerk scans it and takes the
    // payment for the person scanned, without ever typing (or seeing) their ID number.
    const phoneContext = await mobileContext(browser)
    const phone = await phoneContext.newPage()
    await signInByPhone(phone, desk)
    await phone.getByTestId('evoucher-qr').waitFor()
    const { token } = await (await phone.request.get('/api/v1/me/e-voucher')).json() as { token: string }
    await phoneContext.close()
    await page.getByLabel('电子凭证', { exact: true }).fill(token)
    await page.getByLabel('电子凭证', { exact: true }).press('Enter')
    await page.getByTestId('desk-scanned-note').waitFor()
    expect(await page.getByTestId('desk-pay-scanned-name').textContent()).toContain(masked(desk.name))
    expect(await page.getByLabel('缴费人姓名', { exact: true }).count()).toBe(0)
    await page.getByTestId(`desk-pay`).getByText(`${YEAR}年度`).click()
    await expectNoAxeViolations(page)
    await page.getByTestId('desk-pay-generate').click()

    await page.getByTestId('pay-qr-image').waitFor()
    expect(await page.getByTestId('desk-pay-status').textContent()).toContain('待支付')
    expect(await page.getByTestId('pay-qr').textContent()).toContain('请居民用手机微信扫描二维码')
    expect(await page.getByTestId('desk-pay').textContent()).toContain(`${maskedCert(desk.certNo)}）`)
    // Big enough to scan across the counter.
    expect((await page.getByTestId('pay-qr-image').boundingBox())!.width).toBeGreaterThanOrEqual(260)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-pay-qr')

    await payOnAnotherPhone(browser, (await page.getByTestId('pay-sandbox-link').getAttribute('href'))!)
    await page.getByTestId('desk-pay-status').getByText('支付成功').waitFor({ timeout: 15_000 })
    expect((await page.getByTestId('desk-pay-receipt').textContent())!.replace(/\s/g, '')).toMatch(/凭证编号[A-Z2-9]{4}(?:-[A-Z2-9]{4}){3}/)
    expect(await page.getByTestId('pay-qr').count()).toBe(0)
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-pay-paid')

    // A staff session is not a resident's: the resident-facing payment API refuses it.
    expect((await page.request.get('/api/v1/payments/orders')).status()).toBe(401)
    await context.close()
  })
})
