import type { ChildProcess } from 'node:child_process'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { faceCheck } from './auth'
import { expectNoAxeViolations, launch, screenshot, WECHAT_UA } from './browser'

/**
 * Issue 11, defect 1 in a browser: on 10 January a resident who paid the new benefit year in the autumn
 * sees it as 正常参保. The other journeys share one app whose clock starts on 15 November
 * (global-setup.ts), so this one launches a second app of its own — same build, embedded sandbox, fresh
 * data — with SANDBOX_CLOCK at 10 January 2027, 10:00 in Shanghai, and puts its pages on that clock.
 */
const CLOCK_START = '2027-01-10T10:00:00+08:00'
const ROOT = resolve(import.meta.dirname, '../..')

interface App { baseURL: string, sandboxURL: string, launchedAt: number, stop: () => Promise<void> }

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => ok(port))
    }).on('error', fail)
  })
}

/** Starts the built app (as global-setup.ts does) on its own ports and data, with its clock at `clock`. */
async function launchApp(clock: string): Promise<App> {
  const dataDir = await mkdtemp(join(tmpdir(), 'yibao-e2e-rollover-'))
  const [port, sandboxPort] = [await freePort(), await freePort()]
  const launchedAt = Date.now()
  const child: ChildProcess = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['server/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      DATA_DIR: join(dataDir, 'pglite'),
      WEB_DIST_DIR: join(ROOT, 'web/dist'),
      LOG_LEVEL: 'warn',
      SANDBOX_CLOCK: clock,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise(r => child.once('exit', r))
    }
    await rm(dataDir, { recursive: true, force: true })
  }
  const baseURL = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the second app exited with code ${child.exitCode}`)
    if (await fetch(`${baseURL}/readyz`).then(r => r.ok, () => false)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error('the second app did not become ready within 90 s')
    }
    await new Promise(r => setTimeout(r, 300))
  }
  return { baseURL, sandboxURL: `http://127.0.0.1:${sandboxPort}`, launchedAt, stop }
}

/** A 375 px WeChat context on `app`, whose pages read the app's clock (see onAppClock in browser.ts). */
async function contextOn(browser: Browser, app: App): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: app.baseURL,
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    userAgent: WECHAT_UA,
    reducedMotion: 'reduce',
  })
  const offset = Date.parse(CLOCK_START) - app.launchedAt
  await context.addInitScript((ms: number) => {
    const RealDate = Date
    class AppDate extends RealDate {
      constructor(...args: ConstructorParameters<DateConstructor> | []) {
        if (args.length === 0) super(RealDate.now() + ms)
        else super(...(args as ConstructorParameters<DateConstructor>))
      }

      static override now() {
        return RealDate.now() + ms
      }
    }
    globalThis.Date = new Proxy(AppDate, { apply: () => new AppDate().toString() }) as DateConstructor
  }, offset)
  return context
}

interface Seeded {
  name: string
  certNo: string
  deathDate: string | null
  paidYears: number[]
  statuses: unknown[]
  insurance: { insutype: string, endDate: string | null }[]
}

let browser: Browser
let app: App
beforeAll(async () => {
  ;[browser, app] = await Promise.all([launch(), launchApp(CLOCK_START)])
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

/** The seeded Dongying residents as the second app's sandbox lists them (paid years as of its clock). */
async function residents(): Promise<Seeded[]> {
  const res = await fetch(`${app.sandboxURL}/__sandbox/residents?region=370500`)
  return (await res.json() as { residents: Seeded[] }).residents
    .filter(r => !r.deathDate && r.statuses.length === 0 && r.insurance.some(i => i.insutype === '390' && !i.endDate))
}

/** Signs `person` in by phone and SMS (the second app's own SMS sandbox), with 实名认证 and the face step. */
async function signIn(page: Page, person: Seeded) {
  const phone = `138${String(Date.now() % 100_000_000).padStart(8, '0')}`
  await page.goto('/login')
  await page.getByLabel('手机号').fill(phone)
  await page.getByTestId('send-code').click()
  await page.getByText('验证码已发送').waitFor()
  const sent = await fetch(`${app.sandboxURL}/__sandbox/sms?phone=${phone}`)
  const sms = await sent.json() as { messages: { params: { code: string } }[] }
  await page.getByLabel('验证码').fill(sms.messages[0]!.params.code)
  await page.getByTestId('submit').click()
  await page.getByRole('heading', { name: '实名认证' }).waitFor()
  await page.getByLabel('姓名').fill(person.name)
  await page.getByLabel('身份证号').fill(person.certNo)
  await page.getByTestId('submit').click()
  // A first binding asks for the person's 人脸核身 (passed on the sandbox simulator), then binds.
  await page.getByTestId('face-start').waitFor()
  await faceCheck(page)
  await page.waitForURL(url => new URL(url).pathname === '/')
  await page.getByTestId('resident-name').waitFor()
}

/** Opens 参保查询 from the service grid; the coverage years as shown. */
async function openCoverage(page: Page): Promise<string[]> {
  await page.getByRole('link', { name: '参保查询' }).click()
  await page.getByRole('heading', { level: 1, name: '参保查询' }).waitFor()
  await page.getByTestId('coverage-status').waitFor()
  return page.getByTestId('coverage-year').allTextContents()
}

describe('the benefit year on 10 January (a second app, its clock at 2027-01-10 10:00 Shanghai)', () => {
  it('shows a resident who paid 2027 in the autumn as 正常参保 for 2027, at 375 px, without axe violations', async () => {
    // A Dongying resident the tax bureau lists as paid for 2026 and 2027 (paid at a tax channel last autumn).
    const person = (await residents()).find(r => r.paidYears.includes(2026) && r.paidYears.includes(2027))
    expect(person).toBeDefined()
    const context = await contextOn(browser, app)
    const page = await context.newPage()
    await signIn(page, person!)
    const years = await openCoverage(page)
    // The current year is 2027, paid: covered from 1 January, not 未参保 nor 暂停参保.
    expect(await page.getByTestId('coverage-status').textContent()).toContain('正常参保')
    expect(await page.getByTestId('coverage-benefit-period').textContent()).toContain('2027年1月1日 至 2027年12月31日')
    const y2027 = years.find(y => y.includes('2027年度'))
    expect(y2027).toContain('正常参保')
    expect(y2027).toContain('已缴')
    expect(years.join('\n')).not.toMatch(/2027年度 (未参保|暂停参保|待缴费)/)
    expect(await page.getByTestId('pending-year').count()).toBe(0)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'coverage-2027-01-10')
    await expectNoAxeViolations(page)
    await context.close()
  })

  it('shows a resident who has not paid 2027 as 待缴费 with a way to pay it, in 长辈版 too', async () => {
    const person = (await residents()).find(r => r.paidYears.includes(2026) && !r.paidYears.includes(2027))
    expect(person).toBeDefined()
    const context = await contextOn(browser, app)
    await context.addInitScript(() => localStorage.setItem('yibao.preferences', JSON.stringify({ elder: true })))
    const page = await context.newPage()
    await signIn(page, person!)
    const years = await openCoverage(page)
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    expect(await page.getByTestId('coverage-status').textContent()).toContain('待缴费')
    expect(years.find(y => y.includes('2027年度'))).toContain('待缴费')
    expect(await page.getByTestId('pending-year').textContent()).toContain('2027年度保费尚未缴纳')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'coverage-2027-01-10-pending-elder')
    await expectNoAxeViolations(page)
    // The button leads to paying 2027, which the quote offers (collection is open until 30 June).
    await page.getByTestId('pay-this-year').click()
    await page.waitForURL(url => new URL(url).searchParams.get('year') === '2027')
    await page.getByText('2027年度').first().waitFor()
    await context.close()
  })
})
