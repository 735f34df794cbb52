import type { Browser, Page, Response } from 'playwright-core'
import { randomInt, randomUUID } from 'node:crypto'
import { defaultPaymentYear, formatFen } from '@yibao/shared'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { fengxiangAdults, sandboxCall, signInByPhone, smsCodeFor, staffSignIn } from './auth'
import { appNow, expectNoAxeViolations, launch, masked, maskedCert, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** The year the desk offers first on the app's day (SANDBOX_CLOCK, see global-setup.ts). */
const YEAR = defaultPaymentYear(appNow())
/** The seeded Fengxiang clerk of this journey (global-setup.ts) and how the resident's records name them. */
const CLERK = 'e2e-console'
const HALL = '凤翔区'

/** Whether the tax bureau (sandbox) would take this person's premium for YEAR now. */
async function payable(certNo: string): Promise<boolean> {
  const res = await sandboxCall('POST', '/tax/api/premium/quote', { sfzjlx: '201', sfzjhm: certNo, jfnd: YEAR })
  return (await res.json() as { jfxx?: { kjbz: string } }).jfxx?.kjbz === '1'
}

/** A Fengxiang adult who owes YEAR's premium, of the places `fengxiangAdults` leaves to this journey (auth.ts). */
async function fengxiangResident(): Promise<{ name: string, certNo: string }> {
  for (const r of (await fengxiangAdults()).rest) {
    if (await payable(r.certNo)) return { name: r.name, certNo: r.certNo }
  }
  throw new Error(`no Fengxiang adult left who owes a ${YEAR} premium`)
}

/** A WeChat 付款码 as the gun reads it (18 digits); its prefix picks the sandbox's behaviour (see routes.ts). */
function payerCode(prefix: '12' | '13'): string {
  return `${prefix}${String(randomInt(1e8)).padStart(8, '0')}${String(randomInt(1e8)).padStart(8, '0')}`
}

/** A desk PC: 1280×800, as the service hall's counters have. */
async function deskPage(): Promise<Page> {
  const context = await mobileContext(browser, { inWeChat: false })
  const page = await context.newPage()
  await page.setViewportSize({ width: 1280, height: 800 })
  return page
}

async function fitsDesk(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
}

/**
 * The resident holds up the 电子凭证 QR of their home page; the counter's gun reads it into the scan field and
 * presses Enter (the token the QR carries, fetched as the page does; it lives 12 s in the journeys).
 */
async function scanEVoucher(desk: Page, phone: Page) {
  await phone.goto('/')
  await phone.getByTestId('evoucher-qr').waitFor()
  const { token } = await (await phone.request.get('/api/v1/me/e-voucher')).json() as { token: string }
  const field = desk.getByLabel('电子凭证', { exact: true })
  await field.fill(token)
  // A card from an earlier scan may be on screen: wait for this scan's answer, then for the card it opens.
  const verified = desk.waitForResponse(r => new URL(r.url()).pathname === '/api/v1/desk/e-vouchers/verify')
  await field.press('Enter')
  expect((await verified).status()).toBe(200)
  await desk.getByTestId('desk-scanned-note').waitFor()
  await desk.getByTestId('desk-tab-payment').and(desk.locator('[aria-selected="true"]')).waitFor()
}

/** The resident's own API (what their phone's pages call), with the CSRF token of their session. */
async function residentApi(phone: Page) {
  const { csrfToken } = await (await phone.request.get('/api/v1/session')).json() as { csrfToken: string }
  return { 'origin': inject('baseURL'), 'x-csrf-token': csrfToken }
}

interface Refund { id: string, status: string }

/** Shared by the two steps of the visit: the resident, their phone, the desk. */
let person: { name: string, certNo: string }
let residentPhone: string
let phone: Page
let desk: Page

describe('help-desk console at 1280 px: scan, 备案, 退费 and 付款码 for one resident, then their own records', () => {
  it('scans the resident\'s 电子凭证, files a 备案 with the SMS code they read out, and applies for a refund', async () => {
    person = await fengxiangResident()
    const phoneContext = await mobileContext(browser)
    phone = await phoneContext.newPage()
    residentPhone = await signInByPhone(phone, person)

    // Before the visit the resident paid YEAR's premium on their own phone (Native, as pay.spec does in the
    // page): a refund at the desk is for the resident's own payments only — a desk 代缴 (the 付款码 payment
    // below) was paid by whoever held the payment code, so the desk's 退费 tab does not offer it.
    const headers = await residentApi(phone)
    const ordered = await phone.request.post('/api/v1/payments/orders', {
      headers: { ...headers, 'idempotency-key': randomUUID() },
      data: { year: YEAR, channel: 'native', people: [{ kind: 'self' }] },
    })
    expect(ordered.status()).toBe(201)
    const own = await ordered.json() as { id: string, outTradeNo: string, totalFen: number }
    expect((await sandboxCall('POST', `/__sandbox/wechatpay/orders/${own.outTradeNo}/pay`, {})).status).toBe(200)
    // The tax bureau has to hold the payment before it can be refunded (the worker reports it within seconds).
    await expect.poll(async () => {
      const res = await phone.request.get(`/api/v1/payments/orders/${own.id}`)
      return (await res.json() as { lines: { status: string }[] }).lines[0]?.status
    }, { timeout: 30_000, interval: 500 }).toBe('reported')

    // At the window: the clerk signs in at a 1280 px counter PC; the console waits for a scan.
    desk = await deskPage()
    await desk.goto('/desk')
    await desk.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    await staffSignIn(desk, CLERK)
    await desk.getByTestId('staff-who').getByText(`${CLERK}（窗口经办）`).waitFor()
    await desk.getByTestId('desk-idle').waitFor()
    await fitsDesk(desk)
    await expectNoAxeViolations(desk)

    // The resident shows the 电子凭证 QR of their phone (375 px); the gun reads it.
    await expectNoAxeViolations(phone)
    await scanEVoucher(desk, phone)
    const card = desk.getByTestId('desk-card')
    expect(await card.getByTestId('desk-person-name').textContent()).toContain(masked(person.name))
    expect((await card.getByTestId('desk-person-cert').textContent())!.trim()).toBe(maskedCert(person.certNo))
    expect(await card.getByTestId('desk-person-region').textContent()).toContain(`${HALL}（610322）`)
    await card.getByTestId(`desk-card-paid-${YEAR}`).getByText('已缴费').waitFor()
    // The page never had the ID number: the scan gives the BFF's sealed handle only.
    expect(await desk.content()).not.toContain(person.certNo)
    // Every service is a tab beside the card.
    for (const tab of ['payment', 'codepay', 'identity', 'coverage', 'slips', 'receipts', 'refund', 'cross-region'])
      await desk.getByTestId(`desk-tab-${tab}`).waitFor()
    await fitsDesk(desk)
    await expectNoAxeViolations(desk)
    await screenshot(desk, 'desk-console-scanned-1280')

    // 异地就医备案 on the resident's behalf: a temporary trip to Shenzhen, consent by the SMS code they read out.
    await desk.getByTestId('desk-tab-cross-region').click()
    const cr = desk.getByTestId('desk-cross-region')
    await cr.getByText(`参保地：${HALL}（610322）`).waitFor()
    await cr.getByTestId('desk-cr-new').click()
    await cr.getByTestId('desk-cr-destination').fill('440300')
    await cr.getByTestId('desk-cr-destination-name').getByText('深圳市').waitFor()
    await cr.getByTestId('desk-cr-phone').fill(residentPhone)
    const consent = cr.getByTestId('desk-consent')
    // A fresh scan may stand for the resident's consent; here the resident confirms by SMS instead.
    expect(await consent.getByTestId('desk-consent-evoucher').isChecked()).toBe(true)
    await consent.getByTestId('desk-consent-sms').check()
    // No code typed yet: nothing is sent, and the clerk is told what is missing.
    await cr.getByTestId('desk-cr-submit').click()
    await consent.getByText('请先完成参保人确认：扫码核验医保码，或输入参保人读出的短信验证码').waitFor()
    await consent.getByTestId('desk-consent-send').click()
    await consent.getByTestId('desk-consent-sent').getByText(`验证码已发送到尾号${residentPhone.slice(-4)}的手机，请参保人读出`).waitFor()
    const code = await smsCodeFor(residentPhone)
    // A code misheard is refused in Chinese, and nothing is filed.
    const misheard = `${(Number(code[0]) + 1) % 10}${code.slice(1)}`
    await consent.getByTestId('desk-consent-code').fill(misheard)
    await cr.getByTestId('desk-cr-submit').click()
    await consent.getByRole('alert').getByText('验证码不正确或已过期').waitFor()
    expect(await cr.getByTestId('desk-cr-filing').count()).toBe(0)
    await fitsDesk(desk)
    await expectNoAxeViolations(desk)
    await consent.getByTestId('desk-consent-code').fill(code)
    await cr.getByTestId('desk-cr-submit').click()
    await cr.getByTestId('desk-cr-done').getByText('备案已办理成功').waitFor()
    const filing = cr.getByTestId('desk-cr-filing').filter({ hasText: '深圳市' })
    await filing.waitFor()
    expect(await filing.getAttribute('data-status')).toBe('valid')
    // The clerk is the 经办人, with the hall.
    expect(await filing.textContent()).toContain(`${CLERK}（${HALL}）`)
    await fitsDesk(desk)
    await expectNoAxeViolations(desk)
    await screenshot(desk, 'desk-console-cross-region-1280')

    // 退费: the resident shows a fresh 电子凭证 (consent by scan counts for a few minutes after it).
    await scanEVoucher(desk, phone)
    await desk.getByTestId('desk-tab-refund').click()
    const rf = desk.getByTestId('desk-refund')
    await rf.getByTestId('desk-refund-line').check()
    // Before 1 January of YEAR the whole premium goes back for 误缴或多缴 (overpaid), which the sandbox's tax
    // bureau approves (tkyy 04) without records to check; 重复参保 is open too.
    const overpaid = rf.getByTestId('desk-refund-reason-overpaid')
    await overpaid.waitFor()
    expect(await rf.getByTestId('desk-refund-reason-duplicate_enrolment').isDisabled()).toBe(false)
    // No reason chosen: refused in Chinese, nothing sent.
    await rf.getByTestId('desk-refund-submit').click()
    await rf.getByTestId('desk-refund-error').getByText('请选择缴费记录和退费原因').waitFor()
    await overpaid.check()
    expect(await rf.getByTestId('desk-consent-evoucher').isChecked()).toBe(true)
    await fitsDesk(desk)
    await expectNoAxeViolations(desk)
    await rf.getByTestId('desk-refund-submit').click()
    const done = rf.getByTestId('desk-refund-done')
    await done.waitFor()
    expect(await done.textContent()).toMatch(/已提交退费申请：退还 ¥[\d,]+\.\d{2}，当前状态：/)
    const record = rf.getByTestId('desk-refund-records').getByRole('row').filter({ hasText: '误缴或多缴' })
    expect(await record.textContent()).toContain(`${CLERK}（${HALL}）`)
    await fitsDesk(desk)
    await expectNoAxeViolations(desk)
    await screenshot(desk, 'desk-console-refund-1280')

    // The bureau approves and WeChat Pay sends the money back (the sandbox answers within seconds).
    await expect.poll(async () => {
      const refunds = await (await phone.request.get('/api/v1/refunds')).json() as Refund[]
      return refunds.map(r => r.status)
    }, { timeout: 30_000, interval: 1000 }).toEqual(['succeeded'])
  }, 180_000)

  it('takes the premium again by 付款码: a code that fails after the password is 撤销, the next one is paid', async () => {
    expect(desk, 'the first step of the visit ran').toBeDefined()
    // The refund gave the person-year back: on a new scan the card says YEAR is due again, and the 付款码 tab
    // takes it at the counter.
    await scanEVoucher(desk, phone)
    const due = desk.getByTestId(`desk-card-paid-${YEAR}`)
    await due.getByText(/^待缴费，应缴 ¥[\d,]+\.\d{2}/).waitFor()
    await desk.getByTestId('desk-tab-codepay').click()
    const pane = desk.getByTestId('desk-codepay')
    expect(await pane.getByRole('radio', { name: `${YEAR}年度` }).isChecked()).toBe(true)
    await expectNoAxeViolations(desk)
    const codepaid = (d: Page) => d.waitForResponse((r: Response) =>
      new URL(r.url()).pathname === '/api/v1/desk/payments/codepay' && r.request().method() === 'POST')

    // The payer's first code: the password is asked for (USERPAYING), then cancelled — the BFF 撤销 the order.
    const field = pane.getByLabel('付款码', { exact: true })
    await field.fill(payerCode('13'))
    const first = codepaid(desk)
    await field.press('Enter')
    const firstOrder = await (await first).json() as { outcome: string, order: { outTradeNo: string } }
    expect(firstOrder).toMatchObject({ outcome: 'userpaying' })
    const status = pane.getByTestId('desk-codepay-status')
    await status.getByText('等待付款人输入密码…').waitFor()
    await pane.getByText('请付款人在手机上输入支付密码。长时间未完成的支付会自动撤销，不会扣款。').waitFor()
    await expectNoAxeViolations(desk)
    await status.getByText('已撤销').waitFor({ timeout: 45_000 })
    expect(await pane.getByTestId('desk-codepay-reason').textContent()).toContain('原因：付款人取消了支付或支付密码错误，未扣款')
    await pane.getByText('本次未扣款；如付款人已被扣款，款项将原路退回。').waitFor()
    // No charge remains: WeChat Pay (the sandbox) has the order 撤销 (REVOKED), and the card still says 待缴费.
    const simOrder = async (no: string) =>
      (await sandboxCall('GET', `/__sandbox/wechatpay/orders/${no}`)).json() as Promise<unknown>
    const reversed = await simOrder(firstOrder.order.outTradeNo)
    expect(reversed).toMatchObject({ trade_state: 'REVOKED', trade_type: 'MICROPAY' })
    expect(await due.textContent()).toContain('待缴费')
    await fitsDesk(desk)
    await expectNoAxeViolations(desk)
    await screenshot(desk, 'desk-console-codepay-reversed-1280')

    // 重新扫付款码: the payer refreshes the code and enters the password this time.
    await pane.getByTestId('desk-codepay-next').click()
    await field.fill(payerCode('12'))
    const second = codepaid(desk)
    await field.press('Enter')
    const secondOrder = await (await second).json() as { order: { outTradeNo: string, totalFen: number } }
    await status.getByText('支付成功').waitFor({ timeout: 45_000 })
    const detail = (await pane.getByTestId('desk-codepay-detail').textContent())!
    expect(detail).toContain(masked(person.name))
    expect(detail).toContain(`${YEAR}年度`)
    expect(detail).toContain(formatFen(secondOrder.order.totalFen))
    expect(await pane.textContent()).toMatch(/缴费凭证号：[A-Z2-9]{4}(?:-[A-Z2-9]{4}){3}/)
    const charged = await simOrder(secondOrder.order.outTradeNo)
    expect(charged).toMatchObject({ trade_state: 'SUCCESS', trade_type: 'MICROPAY' })
    // The card follows the payment.
    await due.getByText('已缴费').waitFor()
    await fitsDesk(desk)
    await expectNoAxeViolations(desk)
    await screenshot(desk, 'desk-console-codepay-paid-1280')

    // 办理下一位: the visit ends and the console is ready for the next scan.
    await desk.getByTestId('desk-next').click()
    await desk.getByTestId('desk-idle').getByText('已结束办理，请扫描或查询下一位').waitFor()
    expect(await desk.getByTestId('desk-card').count()).toBe(0)

    // The resident's own app shows all of it. 缴费记录: the desk's 付款码 payment (窗口代缴) and their own, refunded;
    // the 撤销 order is not there (nothing was charged).
    await phone.goto('/pay/orders')
    await phone.getByRole('heading', { level: 1, name: '缴费记录' }).waitFor()
    const orders = phone.getByTestId('payment-order')
    await orders.first().waitFor()
    expect(await orders.count()).toBe(2)
    const atDesk = orders.filter({ has: phone.getByTestId('order-at-desk') })
    expect(await atDesk.textContent()).toContain('窗口代缴')
    expect(await atDesk.getAttribute('data-status')).toBe('paid')
    expect(await atDesk.textContent()).toContain(`${YEAR}年度 · 1人`)
    const refunded = orders.filter({ hasNot: phone.getByTestId('order-at-desk') })
    expect(await refunded.getAttribute('data-status')).toBe('refunded')
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(phone)
    await screenshot(phone, 'desk-console-resident-orders')

    // 退费记录: applied at the window, the clerk and hall named, the money back.
    await phone.goto('/refunds')
    const item = phone.getByTestId('refund-item').first()
    await item.getByTestId('refund-status').getByText('已退回原支付账户').waitFor()
    expect(await item.textContent()).toContain('误缴或多缴')
    expect(await item.getByTestId('refund-clerk').textContent()).toContain(`经办人：${CLERK}（${HALL}医保服务窗口代为申请）`)
    await expectNoAxeViolations(phone)
    await screenshot(phone, 'desk-console-resident-refunds')

    // 异地就医备案: the Shenzhen filing, with the clerk as 经办人.
    await phone.goto('/cross-region')
    const trip = phone.getByTestId('cr-filing').filter({ hasText: '深圳' })
    await trip.getByTestId('cr-status').getByText('有效').waitFor()
    expect(await trip.getByTestId('cr-clerk').textContent()).toContain(`经办人：${CLERK}（${HALL}医保服务窗口代办）`)
    await expectNoAxeViolations(phone)
    await screenshot(phone, 'desk-console-resident-cross-region')

    // 访问记录: every act of the window, the clerk and hall named.
    await phone.goto('/me/access-log')
    await phone.getByRole('heading', { name: '访问记录', level: 1 }).waitFor()
    await phone.getByTestId('access-entry').first().waitFor()
    // 30 a page: the earlier ones too.
    while (await phone.getByTestId('access-more').count()) {
      const before = await phone.getByTestId('access-entry').count()
      await phone.getByTestId('access-more').click()
      await expect.poll(() => phone.getByTestId('access-entry').count()).toBeGreaterThan(before)
    }
    const entries = await phone.getByTestId('access-entry').allTextContents()
    const byClerk = `窗口工作人员${CLERK}（${HALL}医保服务窗口） · `
    expect(entries).toEqual(expect.arrayContaining([
      expect.stringContaining(`${byClerk}窗口扫码核验电子凭证`),
      expect.stringContaining(`${byClerk}窗口发送办理确认验证码`),
      expect.stringContaining(`${byClerk}窗口代为办理异地就医备案`),
      expect.stringContaining(`${byClerk}窗口代为申请退费`),
      expect.stringContaining(`${byClerk}窗口扫付款码代缴`),
    ]))
    // Every entry reads in Chinese (no raw action code such as desk.payment.codepay).
    expect(entries.filter(e => /[a-z]+\.[a-z_]+/.test(e.replace(CLERK, '')))).toEqual([])
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await expectNoAxeViolations(phone)
    await screenshot(phone, 'desk-console-resident-access-log')

    await phone.context().close()
    await desk.context().close()
  }, 180_000)
})
