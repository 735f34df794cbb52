import type { Browser, Page } from 'playwright-core'
import { defaultPaymentYear } from '@yibao/shared'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { SandboxResident as Seeded } from './auth'
import { activeResident, sandboxCall, sandboxResidents, signInByPhone } from './auth'
import { appNow, expectNoAxeViolations, launch, masked, maskedCert, mobileContext, payOnAnotherPhone, screenshot } from './browser'

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

const active = activeResident

/**
 * Two Guizhou households of a couple and a child under 16 (both parents can bind the child at once):
 * Dongying's people are handed out to the other journeys' slices (auth.ts), Fengxiang's households
 * to pay.spec; no journey signs a Guizhou resident in (staff.spec only looks the first one up, whose
 * household is left alone). `story`: all three due for YEAR, a parent not suspended pays. `race`: the
 * child due.
 */
async function households() {
  const all = await sandboxResidents('region=520000')
  const lookedUp = all.find(active)?.household.id
  const byHousehold = new Map<string, Seeded[]>()
  for (const r of all.filter(r => active(r) && r.household.id !== lookedUp))
    byHousehold.set(r.household.id, [...byHousehold.get(r.household.id) ?? [], r])
  const families: { head: Seeded, spouse: Seeded, child: Seeded }[] = []
  for (const members of byHousehold.values()) {
    const head = members.find(m => m.household.relation === 'head' && m.age >= 18)
    const spouse = members.find(m => m.household.relation === 'spouse' && m.age >= 18)
    const child = members.find(m => m.household.relation === 'child' && m.age < 16)
    if (head && spouse && child && await payable(child.certNo)) families.push({ head, spouse, child })
  }
  let story: { payer: Seeded, child: Seeded, partner: Seeded } | null = null
  for (const f of families) {
    if (!await payable(f.head.certNo) || !await payable(f.spouse.certNo)) continue
    const payer = [f.spouse, f.head].find(p => !p.tags.includes('suspended'))
    if (payer) {
      story = { payer, child: f.child, partner: payer === f.head ? f.spouse : f.head }
      break
    }
  }
  if (!story) throw new Error(`no Guizhou household with a couple and a child all due for ${YEAR}`)
  const race = families.find(f => f.child.certNo !== story.child.certNo)
  if (!race) throw new Error(`no second Guizhou household with a child due for ${YEAR}`)
  return { story, race }
}

let cast: Awaited<ReturnType<typeof households>>
beforeAll(async () => { cast = await households() })

/** Binds a child under 16 on 亲情账户 (the household register confirms the relation at once). */
async function bindChild(page: Page, child: Seeded) {
  await page.goto('/family')
  await page.getByLabel('姓名').fill(child.name)
  await page.getByLabel('身份证号').fill(child.certNo)
  await page.getByTestId('add-member').click()
  await page.getByText('已添加', { exact: true }).waitFor()
}

/** The row of a person on /pay, told apart by the masked ID number. */
function personRow(page: Page, certNo: string) {
  return page.getByTestId('pay-person').filter({ hasText: maskedCert(certNo) })
}

async function orderIdOf(page: Page): Promise<string> {
  await page.waitForURL(url => ORDER_PATH.test(new URL(url).pathname))
  return ORDER_PATH.exec(new URL(page.url()).pathname)![1]!
}

interface OrderJson {
  id: string
  outTradeNo: string
  status: string
  lines: { name: string, certNo: string, status: string, refund: { status: string, reason: string } | null }[]
}

async function ordersOf(page: Page): Promise<OrderJson[]> {
  return await (await page.request.get('/api/v1/payments/orders')).json() as OrderJson[]
}

/** How many lines of these orders hold a payment for the person (paid, or recorded by the tax bureau). */
function paidLines(orders: OrderJson[], certNo: string): number {
  return orders.flatMap(o => o.lines)
    .filter(l => l.certNo === maskedCert(certNo) && ['paid', 'reported'].includes(l.status))
    .length
}

async function noSideways(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
}

describe('缴费 integrity journeys (375 px)', () => {
  it('orders twice for the same people: /pay shows the open order, ordering again closes it, the old order\'s '
    + 'late payment is refunded automatically and the payer is told why', async () => {
    const { payer, child, partner } = cast.story
    const context = await mobileContext(browser, { inWeChat: false })
    const page = await context.newPage()
    await signInByPhone(page, payer)
    await bindChild(page, child)

    // First order: oneself, the child (bound) and the partner (代缴 by name and ID number).
    await page.goto('/pay')
    await personRow(page, child.certNo).and(page.locator('[data-status="payable"]')).waitFor()
    expect(await page.getByTestId('pay-pick-self').isChecked()).toBe(true)
    await personRow(page, child.certNo).getByRole('checkbox').check()
    await page.getByLabel('姓名', { exact: true }).fill(partner.name)
    await page.getByLabel('身份证号', { exact: true }).fill(partner.certNo)
    await page.getByTestId('pay-add-other').click()
    await personRow(page, partner.certNo).and(page.locator('[data-status="payable"]')).waitFor()
    expect(await personRow(page, partner.certNo).getByRole('checkbox').isChecked()).toBe(true)
    expect(await page.getByTestId('pay-total').textContent()).toMatch(/^共3人，合计 ¥/)
    // Paid with another phone (a phone's browser is offered H5, WeChat on the same phone, first).
    await page.getByLabel('用另一部手机扫码支付').check()
    await page.getByTestId('pay-confirm').click()
    const first = await orderIdOf(page)
    await page.getByTestId('pay-qr-image').waitFor()

    // Back without paying: /pay names the open order that holds oneself and the child.
    await page.getByRole('link', { name: '返回参保缴费' }).click()
    await page.waitForURL(url => new URL(url).pathname === '/pay')
    const open = page.getByTestId('pay-open-order')
    await open.waitFor()
    expect(await open.count()).toBe(1)
    expect(await open.getAttribute('data-order')).toBe(first)
    expect(await open.textContent()).toContain(`${masked(payer.name)}、${masked(child.name)}已在您的一笔待支付订单中`)
    expect(await open.textContent()).toMatch(/（\d{4}-\d{2}-\d{2} \d{2}:\d{2}前有效）/)
    expect(await personRow(page, child.certNo).getByTestId('pay-held-mine').textContent()).toContain('在您待支付的订单中')
    await noSideways(page)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-open-order')

    // 继续支付 leads to that order, still waiting for payment.
    await open.getByTestId('pay-open-resume').click()
    expect(await orderIdOf(page)).toBe(first)
    await page.getByTestId('order-heading').getByText('待支付').waitFor()
    await page.goBack()
    await page.getByTestId('pay-open-order').waitFor()

    // Second order anyway, for oneself and the child: the BFF closes the first one (its lines void).
    await personRow(page, child.certNo).getByRole('checkbox').check()
    expect(await page.getByTestId('pay-total').textContent()).toMatch(/^共2人，合计 ¥/)
    await page.getByLabel('用另一部手机扫码支付').check()
    await page.getByTestId('pay-confirm').click()
    const second = await orderIdOf(page)
    expect(second).not.toBe(first)
    await page.getByTestId('pay-qr-image').waitFor()
    const secondHref = (await page.getByTestId('pay-sandbox-link').getAttribute('href'))!

    await page.goto(`/pay/orders/${first}`)
    await page.getByTestId('order-heading').getByText('订单已关闭').waitFor()
    const voidLines = page.getByTestId('order-line')
    expect(await voidLines.count()).toBe(3)
    for (const text of await voidLines.allTextContents()) expect(text).toContain('未支付，已取消')
    await expectNoAxeViolations(page)
    const firstNo = (await ordersOf(page)).find(o => o.id === first)!.outTradeNo

    // The first order's payment beat the close at WeChat Pay; then the payer pays the second order.
    const late = await sandboxCall('POST', `/__sandbox/wechatpay/orders/${firstNo}/pay`, { beatClose: true })
    expect(late.status).toBe(200)
    await payOnAnotherPhone(browser, secondHref)
    await expect.poll(async () => (await ordersOf(page)).find(o => o.id === first)?.status, { timeout: 15_000 })
      .toBe('paid')
    await page.goto(`/pay/orders/${second}`)
    await page.getByTestId('order-heading').getByText('支付成功').waitFor({ timeout: 15_000 })
    expect(await page.locator('[data-testid="receipt"][data-status="duplicate"]').count()).toBe(0)
    expect(await page.getByTestId('receipt-code').count()).toBe(2)

    // The first order: the partner is paid by it; oneself and the child were paid twice, and their
    // money goes back by itself (WeChat Pay's refund ends after ~2 s; the page follows it).
    await page.goto(`/pay/orders/${first}`)
    await page.getByTestId('order-heading').getByText('支付成功').waitFor({ timeout: 15_000 })
    await page.getByTestId('order-duplicate-notice').waitFor()
    expect(await page.getByTestId('order-duplicate-notice').textContent())
      .toMatch(/^这笔订单中有2人本年度已缴过费，重复支付的¥[\d,.]+(?:会自动原路退回|已原路退回)，无需申请退费。$/)
    const duplicateOf = (certNo: string) => page.getByTestId('receipt').filter({ hasText: maskedCert(certNo) })
    for (const p of [payer, child]) {
      await duplicateOf(p.certNo).getByText('重复缴费，已退回原支付账户').waitFor({ timeout: 30_000 })
      expect(await duplicateOf(p.certNo).getByTestId('line-why').textContent())
        .toMatch(new RegExp(`该人员${YEAR}年度的保费已由另一笔缴费缴纳，这笔重复支付的¥[\\d,.]+已原路退回您的微信支付账户。`))
      expect(await duplicateOf(p.certNo).getByTestId('receipt-code').count()).toBe(0)
      expect(await duplicateOf(p.certNo).getByTestId('refund-apply').count()).toBe(0)
    }
    expect(await page.getByTestId('order-duplicate-notice').textContent()).toContain('已原路退回，无需申请退费')
    const partnerLine = page.getByTestId('receipt').filter({ hasText: maskedCert(partner.certNo) })
    expect(await partnerLine.getAttribute('data-status')).toMatch(/^(paid|reported)$/)
    expect(await partnerLine.getByTestId('receipt-code').count()).toBe(1)
    await noSideways(page)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-duplicate-refunded')

    // Every person is paid exactly once; both duplicates went back with the system's reason.
    const orders = await ordersOf(page)
    for (const p of [payer, child, partner]) expect(paidLines(orders, p.certNo), p.name).toBe(1)
    const duplicates = orders.flatMap(o => o.lines).filter(l => l.refund?.reason === 'duplicate_payment')
    expect(duplicates.map(l => [l.status, l.refund!.status]))
      .toEqual([['refunded', 'succeeded'], ['refunded', 'succeeded']])
    const { csrfToken } = await (await page.request.get('/api/v1/session')).json() as { csrfToken: string }
    const quote = await page.request.post('/api/v1/payments/quotes', {
      headers: { 'x-csrf-token': csrfToken, 'origin': inject('baseURL') },
      data: { year: YEAR, people: [{ kind: 'self' }, { kind: 'other', name: partner.name, certNo: partner.certNo }] },
    })
    const quoted = (await quote.json() as { lines: { status: string, heldBy: unknown }[] }).lines
    expect(quoted.map(l => [l.status, l.heldBy])).toEqual([['paid', null], ['paid', null]])
    await page.goto('/pay')
    await personRow(page, child.certNo).and(page.locator('[data-status="paid"]')).waitFor()
    expect(await page.getByTestId('pay-open-order').count()).toBe(0)

    // 缴费记录 says it too, line by line.
    await page.goto('/pay/orders')
    await page.getByRole('heading', { level: 1, name: '缴费记录' }).waitFor()
    // The first order is the one of three people (a cell is not a link: its row is told by its text).
    const firstRow = page.getByTestId('payment-order').filter({ hasText: `${YEAR}年度 · 3人` })
    await firstRow.waitFor()
    expect(await firstRow.getByTestId('order-line-note').allTextContents()).toEqual([
      expect.stringContaining(`${masked(payer.name)}：重复缴费，已退回原支付账户`),
      expect.stringContaining(`${masked(child.name)}：重复缴费，已退回原支付账户`),
    ])
    await expectNoAxeViolations(page)

    // 长辈版: the same explanation, larger, with nothing cut off sideways.
    await page.goto('/')
    await page.getByTestId('elder-toggle').click()
    await page.goto(`/pay/orders/${first}`)
    await page.getByTestId('order-duplicate-notice').waitFor()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    const whySize = await page.getByTestId('line-why').first()
      .evaluate(e => Number.parseFloat(getComputedStyle(e).fontSize))
    expect(whySize).toBeGreaterThanOrEqual(18)
    expect(await page.getByTestId('line-why').count()).toBe(2)
    await noSideways(page)
    await expectNoAxeViolations(page)
    await screenshot(page, 'pay-duplicate-elder')
    await page.goto('/pay/orders')
    await page.getByTestId('order-line-note').first().waitFor()
    await noSideways(page)
    await expectNoAxeViolations(page)
    await context.close()
  }, 180_000)

  it('two parents pay for their child at the same moment: one order goes through, the other parent is told who '
    + 'is held and until when', async () => {
    const { head, spouse, child } = cast.race
    const parents = await Promise.all([head, spouse].map(async (parent) => {
      const context = await mobileContext(browser, { inWeChat: false })
      const page = await context.newPage()
      await signInByPhone(page, parent)
      // One of them reads the app in 长辈版, so whoever loses, one of the two sizes is checked here.
      const elder = parent === head
      if (elder) await page.getByTestId('elder-toggle').click()
      await bindChild(page, child)
      await page.goto('/pay')
      const kid = personRow(page, child.certNo)
      await kid.and(page.locator('[data-status="payable"]')).waitFor()
      // Only the child: whoever loses pays for nobody.
      if (await page.getByTestId('pay-pick-self').isChecked()) await page.getByTestId('pay-pick-self').uncheck()
      await kid.getByRole('checkbox').check()
      expect(await page.getByTestId('pay-total').textContent()).toMatch(/^共1人，合计 ¥/)
      await page.getByLabel('用另一部手机扫码支付').check()
      return { parent, context, page, elder }
    }))

    // Both tap 确认支付 at once.
    await Promise.all(parents.map(p => p.page.getByTestId('pay-confirm').click()))
    const outcome = async (page: Page) => {
      if (ORDER_PATH.test(new URL(page.url()).pathname)) return 'order'
      return await page.getByTestId('pay-error').count() ? 'refused' : 'waiting'
    }
    await expect.poll(async () => (await Promise.all(parents.map(p => outcome(p.page)))).sort(), { timeout: 20_000 })
      .toEqual(['order', 'refused'])
    const winner = (await outcome(parents[0]!.page)) === 'order' ? parents[0]! : parents[1]!
    const loser = winner === parents[0] ? parents[1]! : parents[0]!

    // The refusal names the child (masked) and stays on screen; the new quote shows the hold.
    const refusal = loser.page.getByTestId('pay-error')
    expect(await refusal.getAttribute('role')).toBe('alert')
    expect(await refusal.textContent()).toContain(`${masked(child.name)}（${maskedCert(child.certNo)}）已在他人发起的一笔待支付订单中`)
    const kid = personRow(loser.page, child.certNo)
    await kid.getByTestId('pay-held-other').waitFor()
    expect(await kid.getByTestId('pay-held-other').textContent())
      .toMatch(/^该人员已有他人发起的待支付订单，\d{4}-\d{2}-\d{2} \d{2}:\d{2}前不能为其缴费/)
    expect(await kid.getByRole('checkbox').isDisabled()).toBe(true)
    expect(await refusal.isVisible()).toBe(true)
    expect(await loser.page.getByTestId('pay-confirm').isDisabled()).toBe(true)
    const heldSize = await kid.getByTestId('pay-held-other')
      .evaluate(e => Number.parseFloat(getComputedStyle(e).fontSize))
    expect(heldSize).toBeGreaterThanOrEqual(loser.elder ? 18 : 15)
    await noSideways(loser.page)
    await expectNoAxeViolations(loser.page)
    await screenshot(loser.page, `pay-race-refused${loser.elder ? '-elder' : ''}`)

    // The winner pays; exactly one line is paid for the child, and the loser made no order.
    await winner.page.getByTestId('pay-qr-image').waitFor()
    await payOnAnotherPhone(browser, (await winner.page.getByTestId('pay-sandbox-link').getAttribute('href'))!)
    await winner.page.getByTestId('order-heading').getByText('支付成功').waitFor({ timeout: 15_000 })
    expect(await winner.page.getByTestId('receipt').count()).toBe(1)
    await expectNoAxeViolations(winner.page)
    const all = [...await ordersOf(winner.page), ...await ordersOf(loser.page)]
    expect(paidLines(all, child.certNo)).toBe(1)
    expect(await ordersOf(loser.page)).toEqual([])
    await loser.page.reload()
    await personRow(loser.page, child.certNo).and(loser.page.locator('[data-status="paid"]')).waitFor()
    expect(await loser.page.getByTestId('pay-held-other').count()).toBe(0)
    await Promise.all(parents.map(p => p.context.close()))
  }, 120_000)
})
