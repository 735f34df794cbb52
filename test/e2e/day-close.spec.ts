import type { Browser, Page } from 'playwright-core'
import type { LaunchedApp } from './global-setup'
import { readFile } from 'node:fs/promises'
import { defaultPaymentYear, maskName, shanghaiDate } from '@yibao/shared'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { activeResident, sandboxResidents, staffSignIn } from './auth'
import { appNow, expectNoAxeViolations, launch, maskedCert, mobileContext, payOnAnotherPhone, screenshot } from './browser'
import { launchApp } from './global-setup'

/**
 * 日结 at the help desk (1280 px): a clerk takes a payment at the counter, opens 日结, sees it with the total,
 * closes the day (confirmed in place) and the list stays frozen when another payment completes after; the
 * supervisor of the region sees the clerk among the day's clerks, opens the sheet, finds 对账 refused until the
 * bill is made (the server's Chinese message), and reopens the day with a reason; the clerk closes it again;
 * 导出CSV downloads the finance office's file.
 *
 * The journey runs its own app (its people, staff and day are nobody else's): the shared pool of Dongying
 * residents is all handed out to the slices of auth.ts, and a closed day would change what other journeys'
 * clerks see. Its seeded staff share the run's password, so `staffSignIn` works as elsewhere.
 *
 * T+1: with the day closed again, the journey moves this app's clock (the BFF's SANDBOX_CLOCK, which its embedded
 * sandbox shares) to about 10:05 the next day, Shanghai, by the sandbox's `POST /__sandbox/clock/advance`: WeChat
 * Pay's trade bill of the day is made then and the BFF's `reconcileDay` (server/src/payments/day-close.ts) takes
 * it. The supervisor signs in again on a page on the new time, opens the closed day (yesterday now), presses 对账
 * and sees 已对账: the frozen payments match the simulator's bill of the day, which has kept every payment of the
 * run. The differences are covered by server/src/routes/desk-day-closes.test.ts (T+1 on a test clock) and by
 * web/src/pages/desk/DayClosePage.test.ts.
 */
const CLOCK_START = '2026-11-15T10:00:00+08:00'
const CLERK = 'e2e-dc-clerk'
const SUPERVISOR = 'e2e-dc-supervisor'
const MONEY = /¥[\d,]+\.\d{2}/
const DAY_MS = 86_400_000

let browser: Browser
let app: LaunchedApp
beforeAll(async () => {
  ;[browser, app] = await Promise.all([
    launch(),
    launchApp(CLOCK_START, {
      SEED_DEMO_STAFF: `${CLERK}:clerk:370500,${SUPERVISOR}:supervisor:370500`,
      SEED_DEMO_STAFF_PASSWORD: inject('staffPassword'),
    }),
  ])
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

const year = () => defaultPaymentYear(appNow(app.clock))
const today = () => shanghaiDate(appNow(app.clock))

/**
 * Moves this app's clock (the BFF's and its sandbox's) forward to about `at` (the journey's estimate of the app's
 * time runs a few seconds ahead: the app starts its clock after it is spawned), and the journey's notion of it
 * (`appNow`, the TOTP codes, pages opened from now on) with it, set from the time the app answers.
 */
async function advanceAppClock(at: Date): Promise<void> {
  const res = await fetch(`${app.sandboxURL}/__sandbox/clock/advance`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms: at.getTime() - appNow(app.clock).getTime() }),
  })
  expect(res.status).toBe(200)
  const { now } = await res.json() as { now: string }
  Object.assign(app.clock, { start: now, launchedAt: Date.now() })
  expect(Math.abs(Date.parse(now) - at.getTime())).toBeLessThan(15_000)
}

/** Whether this app's tax stand-in would take the person's premium for the year now. */
async function payable(certNo: string): Promise<boolean> {
  const res = await fetch(`${app.sandboxURL}/tax/api/premium/quote`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sfzjlx: '201', sfzjhm: certNo, jfnd: year() }),
  })
  return (await res.json() as { jfxx?: { kjbz: string } }).jfxx?.kjbz === '1'
}

/** Two Dongying adults of this app's sandbox who owe the year's premium. */
async function payers(): Promise<{ name: string, certNo: string }[]> {
  const found: { name: string, certNo: string }[] = []
  for (const r of await sandboxResidents('region=370500', app.sandboxURL)) {
    if (r.age < 18 || !activeResident(r) || !await payable(r.certNo)) continue
    found.push({ name: r.name, certNo: r.certNo })
    if (found.length === 2) return found
  }
  throw new Error(`fewer than two Dongying adults owe a ${year()} premium`)
}

/** A desk PC of this app: 1280×800, as the service hall's counters have. */
async function deskPage(): Promise<Page> {
  const context = await mobileContext(browser, { inWeChat: false, app })
  const page = await context.newPage()
  await page.setViewportSize({ width: 1280, height: 800 })
  return page
}

async function fitsDesk(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
}

/** At the counter: the person looked up by name and ID number, a payment QR for the year, paid on their phone. */
async function takePayment(page: Page, person: { name: string, certNo: string }): Promise<string> {
  await page.goto('/desk')
  await page.getByLabel('姓名', { exact: true }).fill(person.name)
  await page.getByLabel('身份证号', { exact: true }).fill(person.certNo)
  await page.getByTestId('desk-lookup').click()
  await page.getByTestId('desk-person-name').waitFor()
  await page.getByTestId('desk-pay').getByText(`${year()}年度`).click()
  await page.getByTestId('desk-pay-generate').click()
  await page.getByTestId('pay-qr-image').waitFor()
  const due = (await page.getByTestId('pay-qr-amount').textContent())!.match(MONEY)![0]
  await payOnAnotherPhone(browser, (await page.getByTestId('pay-sandbox-link').getAttribute('href'))!)
  await page.getByTestId('desk-pay-status').getByText('支付成功').waitFor({ timeout: 15_000 })
  return due
}

function fen(money: string): number {
  return Math.round(Number(money.replace(/[¥,]/g, '')) * 100)
}

function yuan(total: number): string {
  return `¥${Math.floor(total / 100).toLocaleString('en-US')}.${String(total % 100).padStart(2, '0')}`
}

describe('日结: a clerk closes the day, a supervisor sees, reopens and (T+1) reconciles it (1280 px)', () => {
  it('lists the counter payment with the total, closes and freezes the day, and the supervisor sees the clerk', async () => {
    const [first, second] = await payers() as [{ name: string, certNo: string }, { name: string, certNo: string }]
    const day = today()

    // The clerk signs in at the counter and takes a payment by QR.
    const clerk = await deskPage()
    await clerk.goto('/desk')
    await clerk.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    await staffSignIn(clerk, CLERK, { clock: app.clock })
    const due = await takePayment(clerk, first)

    // 日结 from the console's top bar: the payment, masked, with the day's count and total.
    await clerk.getByTestId('desk-day-close-link').click()
    await clerk.waitForURL(url => new URL(url).pathname === '/desk/day-close')
    await clerk.getByRole('heading', { name: '日结', level: 1 }).waitFor()
    await clerk.getByRole('heading', { name: `${CLERK}的日结（${day}）`, level: 2 }).waitFor()
    expect(await clerk.getByLabel('日期', { exact: true }).inputValue()).toBe(day)
    expect(await clerk.getByTestId('day-close-status').textContent()).toContain('未日结')
    expect((await clerk.getByTestId('day-close-count').textContent())!.trim()).toBe('1笔')
    expect((await clerk.getByTestId('day-close-total').textContent())!.trim()).toBe(due)
    const rows = clerk.getByTestId('day-close-payment')
    expect(await rows.count()).toBe(1)
    const row = (await rows.first().textContent())!
    expect(row).toContain(maskName(first.name))
    expect(row).toContain(maskedCert(first.certNo))
    expect(row).toContain('二维码')
    expect(row).toContain('已支付')
    expect(row).toContain(due)
    expect(await clerk.content()).not.toContain(first.certNo)
    // A clerk sees neither the region's clerks nor 对账 / 重开.
    expect(await clerk.getByTestId('day-close-clerks').count()).toBe(0)
    expect(await clerk.getByTestId('day-close-reopen').count()).toBe(0)
    await fitsDesk(clerk)
    await expectNoAxeViolations(clerk)
    await screenshot(clerk, 'day-close-open-1280')

    // 日结 is confirmed in place; 取消 sends nothing.
    await clerk.getByTestId('day-close-start').click()
    await clerk.getByText(`日结后${day}的收款清单将冻结：已支付1笔，合计${due}。确认日结？`).waitFor()
    await expectNoAxeViolations(clerk)
    await clerk.getByTestId('day-close-cancel').click()
    expect(await clerk.getByTestId('day-close-status').textContent()).toContain('未日结')
    await clerk.getByTestId('day-close-start').click()
    await clerk.getByTestId('day-close-confirm').click()
    await clerk.getByTestId('day-close-notice').getByText(`已日结：已支付1笔，合计${due}`).waitFor()
    expect(await clerk.getByTestId('day-close-status').textContent()).toContain('已日结')
    expect(await clerk.getByTestId('day-close-frozen').textContent()).toMatch(
      new RegExp(`^已于${day} \\d{2}:\\d{2}日结（${CLERK}），清单已冻结`),
    )
    expect(await clerk.getByTestId('day-close-reconcile-state').textContent()).toContain('待对账：次日10:30自动与微信支付交易账单对账')
    expect(await clerk.getByTestId('day-close-start').count()).toBe(0)
    await fitsDesk(clerk)
    await expectNoAxeViolations(clerk)
    await screenshot(clerk, 'day-close-closed-1280')

    // Frozen: a payment completed after the close is listed apart and leaves the totals as they were.
    const dueAfter = await takePayment(clerk, second)
    await clerk.getByTestId('desk-day-close-link').click()
    await clerk.getByTestId('day-close-late').waitFor()
    expect(await clerk.getByTestId('day-close-late').textContent()).toContain(maskedCert(second.certNo))
    expect(await clerk.getByText('日结后完成支付（未计入合计，1笔）').count()).toBe(1)
    expect((await clerk.getByTestId('day-close-count').textContent())!.trim()).toBe('1笔')
    expect((await clerk.getByTestId('day-close-total').textContent())!.trim()).toBe(due)
    expect(await clerk.getByTestId('day-close-payment').count()).toBe(1)
    await expectNoAxeViolations(clerk)

    // 导出CSV: the finance office's file of the day (BOM, masked ID numbers, the frozen total).
    const [download] = await Promise.all([clerk.waitForEvent('download'), clerk.getByTestId('day-close-export').click()])
    expect(download.suggestedFilename()).toBe(`day-close-${day}.csv`)
    const csv = await readFile((await download.path())!)
    expect([...csv.subarray(0, 3)]).toEqual([0xEF, 0xBB, 0xBF])
    const text = csv.subarray(3).toString('utf8')
    expect(text.split('\r\n')[0]).toMatch(/^日期,工作人员,日结状态,对账结果,商户订单号/)
    expect(text).toContain(maskedCert(first.certNo))
    expect(text).toContain('日结后完成支付，未计入合计')
    expect(text).not.toContain(first.certNo)
    await clerk.getByTestId('day-close-notice').getByText(`已导出 day-close-${day}.csv`).waitFor()

    // The supervisor of the region opens 日结 (signing in on the way) and sees the clerk among the day's clerks.
    const supervisor = await deskPage()
    await supervisor.goto('/desk/day-close')
    await supervisor.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    const secret = await staffSignIn(supervisor, SUPERVISOR, { landing: '/desk/day-close', clock: app.clock })
    await supervisor.getByRole('heading', { name: '日结', level: 1 }).waitFor()
    const clerks = supervisor.getByTestId('day-close-clerks')
    const clerkRow = clerks.locator('[data-role="clerk"]').filter({ hasText: CLERK })
    await clerkRow.waitFor()
    expect((await clerkRow.textContent())!.replace(/\s+/g, ' ')).toContain(`已日结 · 1笔 · ${due} · 待对账`)
    await fitsDesk(supervisor)
    await expectNoAxeViolations(supervisor)
    await screenshot(supervisor, 'day-close-supervisor-1280')

    // The clerk's sheet; 对账 before WeChat Pay's bill is made says so in the server's words.
    await clerkRow.getByRole('button', { name: `查看${CLERK}的日结` }).click()
    await supervisor.getByRole('heading', { name: `${CLERK}的日结（${day}）`, level: 2 }).waitFor()
    expect((await supervisor.getByTestId('day-close-total').textContent())!.trim()).toBe(due)
    await supervisor.getByTestId('day-close-reconcile-button').click()
    await supervisor.getByTestId('day-close-reconcile-error').getByText('微信支付交易账单次日10点后才生成，请稍后再对账').waitFor()
    expect(await supervisor.getByTestId('day-close-reconcile').getAttribute('data-reconcile')).toBe('pending')
    await expectNoAxeViolations(supervisor)

    // 重开 needs a reason, said beside the field; then the day is live again.
    await supervisor.getByTestId('day-close-reopen').click()
    await supervisor.getByTestId('day-close-reopen-confirm').click()
    await supervisor.getByText('请填写重开原因').waitFor()
    await expectNoAxeViolations(supervisor)
    const reason = '日结后又收一笔二维码缴费，重开后一并日结'
    await supervisor.getByLabel('重开原因', { exact: true }).fill(reason)
    await supervisor.getByTestId('day-close-reopen-confirm').click()
    await supervisor.getByTestId('day-close-notice').getByText(`已重开${CLERK}的日结，请其核对后再次日结`).waitFor()
    expect(await supervisor.getByTestId('day-close-status').textContent()).toContain('已重开')
    expect(await supervisor.getByTestId('day-close-reopened').textContent()).toContain(`${SUPERVISOR}于${day}`)
    expect(await supervisor.getByTestId('day-close-reopened').textContent()).toContain(reason)
    await expectNoAxeViolations(supervisor)

    // The clerk closes the day again: now both payments, in the totals.
    const both = yuan(fen(due) + fen(dueAfter))
    await clerk.reload()
    await clerk.getByTestId('day-close-reopened').getByText(reason).waitFor()
    expect((await clerk.getByTestId('day-close-count').textContent())!.trim()).toBe('2笔')
    await clerk.getByTestId('day-close-start').click()
    await clerk.getByTestId('day-close-confirm').click()
    await clerk.getByTestId('day-close-notice').getByText(`已日结：已支付2笔，合计${both}`).waitFor()
    expect((await clerk.getByTestId('day-close-total').textContent())!.trim()).toBe(both)
    expect(await clerk.getByTestId('day-close-late').count()).toBe(0)
    await expectNoAxeViolations(clerk)

    // The supervisor's list follows.
    await supervisor.getByRole('button', { name: '刷新' }).click()
    await clerkRow.getByText(`已日结 · 2笔 · ${both} · 待对账`).waitFor()
    await clerk.context().close()
    await supervisor.context().close()

    // T+1, about 10:05 (Shanghai): WeChat Pay's trade bill of the day is made. The supervisor, on a page on the new
    // time, signs in again and opens the closed day, yesterday now: 待对账 until 对账 matches it with the bill.
    const nextMorning = new Date(Date.parse(`${day}T10:05:00+08:00`) + DAY_MS)
    await advanceAppClock(nextMorning)
    const next = shanghaiDate(nextMorning)
    expect(today()).toBe(next)
    const later = await deskPage()
    await later.goto('/desk/day-close')
    await later.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    await staffSignIn(later, SUPERVISOR, { landing: '/desk/day-close', enrolled: secret, clock: app.clock })
    await later.getByRole('heading', { name: `${SUPERVISOR}的日结（${next}）`, level: 2 }).waitFor()
    expect(await later.getByLabel('日期', { exact: true }).inputValue()).toBe(next)
    await later.getByLabel('日期', { exact: true }).fill(day)
    const closedRow = later.getByTestId('day-close-clerks').locator('[data-role="clerk"]').filter({ hasText: CLERK })
    await closedRow.getByText(`已日结 · 2笔 · ${both} · 待对账`).waitFor()
    await closedRow.getByRole('button', { name: `查看${CLERK}的日结` }).click()
    await later.getByRole('heading', { name: `${CLERK}的日结（${day}）`, level: 2 }).waitFor()
    expect((await later.getByTestId('day-close-total').textContent())!.trim()).toBe(both)
    await later.getByTestId('day-close-reconcile-button').click()
    await later.getByTestId('day-close-notice').getByText('对账完成：已对账').waitFor()
    expect(await later.getByTestId('day-close-reconcile').getAttribute('data-reconcile')).toBe('matched')
    expect((await later.getByTestId('day-close-reconcile-state').textContent())!.trim()).toMatch(
      new RegExp(`^已对账：与微信支付交易账单一致（${next} 10:\\d{2}）$`),
    )
    expect(await later.getByTestId('day-close-reconcile-error').count()).toBe(0)
    expect((await later.getByTestId('day-close-reconcile-button').textContent())!.trim()).toBe('重新对账')
    await closedRow.getByText(`已日结 · 2笔 · ${both} · 已对账`).waitFor()
    await fitsDesk(later)
    await expectNoAxeViolations(later)
    await screenshot(later, 'day-close-reconciled-1280')

    await later.context().close()
  })
})
