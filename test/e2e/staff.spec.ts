import type { Browser, Page } from 'playwright-core'
import { randomUUID } from 'node:crypto'
import { defaultPaymentYear, formatFen } from '@yibao/shared'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { SandboxResident } from './auth'
import { activeResident, DEMO, nextResident, sandboxCall, sandboxResidents, signInByPhone, staffSignIn } from './auth'
import { appNow, expectNoAxeViolations, launch, mobileContext, screenshot } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/** A seeded Guizhou resident with active resident insurance (outside a Dongying clerk's region). */
async function guizhouResident(): Promise<{ name: string, certNo: string }> {
  const r = (await sandboxResidents('region=520000')).find(activeResident)
  if (!r) throw new Error('no seeded Guizhou resident')
  return r
}

/**
 * A Guizhou adult whose premium for `year` the tax bureau would take now, from a household no other
 * journey touches: not the one the first journey looks up, none with a child (pay-integrity.spec takes
 * its families from those); Dongying's people are all handed out to the journeys' slices (auth.ts).
 */
async function guizhouPayer(year: number): Promise<SandboxResident> {
  const all = await sandboxResidents('region=520000')
  const lookedUp = all.find(activeResident)?.household.id
  const withChildren = new Set(all.filter(r => r.age < 16).map(r => r.household.id))
  for (const r of all) {
    if (!activeResident(r) || r.age < 18 || r.household.id === lookedUp || withChildren.has(r.household.id)) continue
    const quote = await sandboxCall('POST', '/tax/api/premium/quote', { sfzjlx: '201', sfzjhm: r.certNo, jfnd: year })
    if ((await quote.json() as { jfxx?: { kjbz: string } }).jfxx?.kjbz === '1') return r
  }
  throw new Error(`no Guizhou adult owes a ${year} premium`)
}

/** Password, then (first time) the enrolment page: reads the secret shown and types the code. Ends on `landing`. */
async function signInAndEnrol(page: Page, username: string, landing = '/desk') {
  return staffSignIn(page, username, {
    landing,
    onEnrol: async (page, secret) => {
      await page.getByRole('img', { name: '身份验证器绑定二维码（无法扫码时请手动输入下方密钥）' }).waitFor()
      await expectNoAxeViolations(page)
      await screenshot(page, `desk-enrol-${username}`)
      expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    },
  })
}

describe('help-desk staff journey (375 px)', () => {
  it('signs in with password + authenticator, opens a Dongying resident and is refused a Guizhou one', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()

    // From the home grid's 帮办代办 entry: not signed in as staff, so to the staff sign-in page.
    await page.goto('/')
    await page.locator('[data-service="helpDesk"]').first().click()
    await page.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    await expectNoAxeViolations(page)

    // A wrong password is refused in Chinese.
    await page.getByLabel('用户名', { exact: true }).fill('e2e-clerk')
    await page.getByLabel('密码', { exact: true }).fill('not-the-password')
    await page.getByTestId('desk-password-submit').click()
    await page.getByTestId('desk-login-alert').getByText('用户名或密码不正确').waitFor()

    await signInAndEnrol(page, 'e2e-clerk')
    await page.getByTestId('staff-who').waitFor()
    expect(await page.getByTestId('staff-who').textContent()).toContain('e2e-clerk（窗口经办）')
    await expectNoAxeViolations(page)
    // Staff sessions do not open residents' own data.
    expect((await page.request.get('/api/v1/me/profile')).status()).toBe(401)

    // A Dongying resident: the masked profile.
    await page.getByLabel('姓名', { exact: true }).fill(DEMO.name)
    await page.getByLabel('身份证号', { exact: true }).fill(DEMO.certNo)
    await page.getByTestId('desk-lookup').click()
    await page.getByTestId('desk-person-name').waitFor()
    expect(await page.getByTestId('desk-person-name').textContent()).toContain('张**')
    expect(await page.getByTestId('desk-person-cert').textContent()).toContain('370502********0420')
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-lookup')

    // The full ID number needs a reason.
    await page.getByTestId('desk-unmask').click()
    await page.getByTestId('desk-unmask-confirm').click()
    await page.getByText('请填写查看完整证件号码的原因').waitFor()
    await page.getByLabel('查看原因', { exact: true }).fill('居民现场办理代缴，核对身份证原件')
    await expectNoAxeViolations(page)
    await page.getByTestId('desk-unmask-confirm').click()
    await page.getByTestId('desk-person-cert').getByText(DEMO.certNo).waitFor()

    // A Guizhou resident is outside a Dongying clerk's region.
    const gz = await guizhouResident()
    await page.getByLabel('姓名', { exact: true }).fill('')
    await page.getByLabel('身份证号', { exact: true }).fill(gz.certNo)
    await page.getByTestId('desk-lookup').click()
    await page.getByTestId('lookup-error').getByText('该人员的参保地不在您的服务区域内，不能为其办理业务').waitFor()
    expect(await page.getByTestId('desk-person-name').count()).toBe(0)
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1)
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-out-of-region')

    // A resident of this region shows the 电子凭证 QR on their phone's home page; the window's scanner
    // gun "types" what it reads (the token the QR carries) into the scan field and presses Enter.
    const resident = await nextResident('staff')
    const phoneContext = await mobileContext(browser)
    const phone = await phoneContext.newPage()
    await signInByPhone(phone, resident)
    await phone.getByTestId('evoucher-qr').waitFor()
    const { token } = await (await phone.request.get('/api/v1/me/e-voucher')).json() as { token: string }
    expect(token).not.toContain(resident.certNo)

    const scanField = page.getByLabel('电子凭证', { exact: true })
    await scanField.fill('v1.not-a-real-code')
    await scanField.press('Enter')
    await page.getByTestId('evoucher-error').getByText('无法识别该医保电子凭证二维码，请参保人刷新后重新出示').waitFor()
    await expectNoAxeViolations(page)

    // The field is ready again; this time a real code.
    await scanField.fill(token)
    await scanField.press('Enter')
    await page.getByTestId('desk-scanned-note').waitFor()
    expect(await page.getByTestId('desk-person-name').textContent()).toContain(`${resident.name[0]}*`)
    expect(await page.getByTestId('desk-person-cert').textContent()).toContain(`${resident.certNo.slice(0, 6)}********${resident.certNo.slice(-4)}`)
    expect(await page.getByTestId('evoucher-error').count()).toBe(0)
    await expect.poll(() => scanField.evaluate(el => el === document.activeElement)).toBe(true)
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-evoucher-scan')
    await phoneContext.close()

    // The page never had the scanned person's ID number; with a reason, the BFF shows it.
    await page.getByTestId('desk-unmask').click()
    await page.getByLabel('查看原因', { exact: true }).fill('扫码办理，核对身份证原件')
    await page.getByTestId('desk-unmask-confirm').click()
    await page.getByTestId('desk-person-cert').getByText(resident.certNo).waitFor()

    // Signing out ends desk access.
    await page.getByTestId('desk-sign-out').click()
    await page.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    const after = await page.request.post('/api/v1/desk/person-lookups', { data: { certNo: DEMO.certNo }, headers: { origin: inject('baseURL') } })
    expect(after.status()).toBe(401)
    await context.close()
  })

  it('shows a supervisor the audit trail of their region, with the clerk\'s look-ups', async () => {
    const context = await mobileContext(browser)
    const page = await context.newPage()
    await page.goto('/desk/audit')
    await page.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
    // Back to the page asked for first.
    await signInAndEnrol(page, 'e2e-supervisor', '/desk/audit')
    await page.getByRole('heading', { name: '访问记录审计', level: 1 }).waitFor()
    await page.getByTestId('audit-event').first().waitFor()
    const events = await page.getByTestId('audit-event').allTextContents()
    expect(events.some(e => e.includes('e2e-clerk · 窗口查询参保信息') && e.includes('370502********0420'))).toBe(true)
    expect(events.some(e => e.includes('e2e-clerk · 查看完整证件号码') && e.includes('原因：居民现场办理代缴，核对身份证原件'))).toBe(true)
    expect(events.some(e => e.includes('e2e-clerk · 窗口扫码核验电子凭证'))).toBe(true)
    // The Guizhou refusal belongs to Guizhou's trail, not Dongying's.
    expect(events.some(e => /52\d{4}\*{8}/.test(e))).toBe(false)
    expect(events.join('')).not.toContain(DEMO.certNo)
    await expectNoAxeViolations(page)
    await screenshot(page, 'desk-audit')

    // The staff home links here for supervisors.
    await page.goto('/desk')
    await page.getByTestId('desk-audit-link').waitFor()
    await expectNoAxeViolations(page)
    await context.close()
  })

  it('shows a supervisor 异常处理: a duplicate payment made in the sandbox, marked handled with a reason', async () => {
    const year = defaultPaymentYear(appNow())
    const resident = await guizhouPayer(year)
    // The resident pays their own premium online (the API the pay page uses)…
    const phoneContext = await mobileContext(browser)
    const phone = await phoneContext.newPage()
    await signInByPhone(phone, resident)
    const { csrfToken } = await (await phone.request.get('/api/v1/session')).json() as { csrfToken: string }
    const ordered = await phone.request.post('/api/v1/payments/orders', {
      headers: { 'origin': inject('baseURL'), 'x-csrf-token': csrfToken, 'idempotency-key': randomUUID() },
      data: { year, channel: 'native', people: [{ kind: 'self' }] },
    })
    expect(ordered.status()).toBe(201)
    const order = await ordered.json() as { outTradeNo: string, totalFen: number }
    await phoneContext.close()

    // …while the same year is paid at a tax hall: our report gets 2002 and this payment is the duplicate.
    // WeChat Pay holds the automatic refund (processing), so the anomaly waits for the supervisor.
    await sandboxCall('PUT', '/__sandbox/wechatpay/config', { refundProcessingMs: 600_000 })
    try {
      const hall = await sandboxCall('POST', '/__sandbox/tax/counter-payment', { certNo: resident.certNo, year })
      expect(hall.status).toBe(200)
      expect((await sandboxCall('POST', `/__sandbox/wechatpay/orders/${order.outTradeNo}/pay`, {})).status).toBe(200)

      const context = await mobileContext(browser)
      const page = await context.newPage()
      await page.goto('/desk')
      await page.getByRole('heading', { name: '窗口工作人员登录', level: 1 }).waitFor()
      // A supervisor of Guizhou, where the payer is insured.
      await signInAndEnrol(page, 'e2e-anomalies')
      await page.getByTestId('desk-anomalies-link').click()
      await page.getByRole('heading', { name: '异常处理', level: 1 }).waitFor()

      // The worker reports the line within seconds; 刷新 until it is queued.
      const card = page.getByTestId('anomaly').filter({ hasText: order.outTradeNo })
      await expect.poll(async () => {
        await page.getByRole('button', { name: '刷新' }).first().click()
        await page.getByRole('heading', { name: /^待处理（\d+条）$/ }).waitFor()
        return card.count()
      }, { timeout: 30_000, interval: 1000 }).toBe(1)
      await card.getByText('退款：退款中').waitFor()
      expect(await card.getByRole('heading', { level: 3 }).textContent()).toContain('重复缴费')
      const masked = `${resident.certNo.slice(0, 6)}********${resident.certNo.slice(-4)}`
      const name = `${resident.name[0]}${'*'.repeat(resident.name.length - 1)}`
      expect(await card.getByTestId('anomaly-people').textContent()).toContain(`${name}（${masked}）`)
      expect(await card.getByTestId('anomaly-amount').textContent()).toContain(formatFen(order.totalFen))
      expect(await card.textContent()).toContain('税务部门已有该人员本年度的其他缴费记录')
      // The refund is already under way: nothing to send again.
      expect(await card.getByTestId('anomaly-refund').count()).toBe(0)
      expect(await page.content()).not.toContain(resident.certNo)
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
      await expectNoAxeViolations(page)
      await screenshot(page, 'desk-anomalies')

      // 标记已处理 needs a reason, said next to the field.
      await card.getByTestId('anomaly-resolve').click()
      await card.getByTestId('anomaly-resolve-confirm').click()
      await card.getByText('请填写处理说明').waitFor()
      await expectNoAxeViolations(page)
      const why = '已核实：该年度保费已在税务窗口缴纳，重复支付由系统原路退回'
      await card.getByLabel('处理说明', { exact: true }).fill(why)
      await card.getByTestId('anomaly-resolve-confirm').click()
      await page.getByTestId('anomalies-notice').getByText(`已标记为已处理：重复缴费（${order.outTradeNo}）`).waitFor()
      expect(await card.count()).toBe(0)

      await page.getByTestId('anomalies-tab-resolved').click()
      const done = page.getByTestId('anomaly').filter({ hasText: order.outTradeNo })
      await done.getByTestId('anomaly-resolution').getByText(why).waitFor()
      expect(await done.getByTestId('anomaly-resolved-by').textContent()).toContain('e2e-anomalies')
      await expectNoAxeViolations(page)

      // The same page on a desk monitor.
      await page.setViewportSize({ width: 1280, height: 800 })
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280)
      await expectNoAxeViolations(page)
      await screenshot(page, 'desk-anomalies-1280')
      await context.close()
    }
    finally {
      await sandboxCall('PUT', '/__sandbox/wechatpay/config', { refundProcessingMs: 2000 })
    }
  })
})
