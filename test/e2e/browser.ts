import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { LaunchedApp } from './global-setup'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import AxeBuilder from '@axe-core/playwright'
import { Secret, TOTP } from 'otpauth'
import { chromium } from 'playwright-core'
import { expect, inject } from 'vitest'

export const ARTIFACTS = resolve(import.meta.dirname, '../../test-results/e2e')

/** WeChat's in-app browser on a 375 px Android phone. */
export const WECHAT_UA = 'Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 MMWEBID/1234 MicroMessenger/8.0.50.2701(0x28003253) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64'

/** Chrome on a 375 px Android phone: not WeChat, so payments go by Native QR code. */
export const CHROME_UA = 'Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/116.0.0.0 Mobile Safari/537.36'

/** A name as the app shows it (张** for 张秀英). */
export const masked = (name: string) => `${name[0]}${'*'.repeat(name.length - 1)}`
/** An ID number as the app shows it; rows are told apart by it (names of one family often mask alike). */
export const maskedCert = (certNo: string) => `${certNo.slice(0, 6)}********${certNo.slice(-4)}`

/** An app the journeys' browsers talk to: the shared one (global-setup.ts) unless a journey launched its own. */
export type AppUnderTest = Pick<LaunchedApp, 'baseURL' | 'clock'>

/** The app all journeys share (global-setup.ts). */
export function sharedApp(): AppUnderTest {
  return { baseURL: inject('baseURL'), clock: inject('appClock') }
}

/**
 * The app's time now: its clock started at SANDBOX_CLOCK when it was launched (global-setup.ts) and runs
 * in real time, so the journeys never depend on the machine's date (the machine clock is only used for
 * the time elapsed since the launch).
 */
export function appNow(clock = inject('appClock')): Date {
  return new Date(Date.parse(clock.start) + Date.now() - clock.launchedAt)
}

/**
 * Puts the pages of `context` on the app's clock: `new Date()` and `Date.now()` read the app's time (the
 * page's default year, countdowns against the BFF's expiry times). Only Date moves; timers, animation
 * frames and `performance` stay real (Playwright's `clock.install` fakes them all, which upsets transitions).
 */
export async function onAppClock(context: BrowserContext, clock = inject('appClock')): Promise<BrowserContext> {
  // Browser and test run on one machine: the app's time is the machine's plus this offset, in both.
  await context.addInitScript((offset: number) => {
    const RealDate = Date
    class AppDate extends RealDate {
      constructor(...args: ConstructorParameters<DateConstructor> | []) {
        if (args.length === 0) super(RealDate.now() + offset)
        else super(...(args as ConstructorParameters<DateConstructor>))
      }

      static override now() {
        return RealDate.now() + offset
      }
    }
    // `Date()` called without `new` gives the current time as a string.
    globalThis.Date = new Proxy(AppDate, { apply: () => new AppDate().toString() }) as DateConstructor
  }, appNow(clock).getTime() - Date.now())
  return context
}

/**
 * The code an authenticator app would show at the app's time for a TOTP secret (base32); `clock` is the
 * shared app's unless a journey launched its own.
 */
export function authenticatorCode(secret: string, clock = inject('appClock')): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 })
  return totp.generate({ timestamp: appNow(clock).getTime() })
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/**
 * A client address of its own for each context (sent as X-Forwarded-For; the e2e BFF trusts it), so
 * the per-IP rate limits count each journey like one phone, not the whole run as one client.
 */
function clientIp(): string {
  const b = randomBytes(3)
  return `10.${b[0]}.${b[1]}.${(b[2]! % 254) + 1}`
}

interface MobileContextOptions { inWeChat?: boolean, app?: AppUnderTest, elder?: boolean }

/**
 * A mobile context at 375×667, zh-CN, Asia/Shanghai, with 减少动态效果 on: the app honours it, so a
 * toast is either there at full contrast or gone, and axe and screenshots never catch a half-faded frame.
 * Its pages run on the app's clock (`appNow`); `app` is the shared app unless a journey launched its own;
 * `elder` opens the app in 长辈版 (large text), as an older resident has it set.
 */
export async function mobileContext(
  browser: Browser,
  { inWeChat = true, app = sharedApp(), elder = false }: MobileContextOptions = {},
): Promise<BrowserContext> {
  const context = await onAppClock(await browser.newContext({
    extraHTTPHeaders: { 'X-Forwarded-For': clientIp() },
    baseURL: app.baseURL,
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    userAgent: inWeChat ? WECHAT_UA : CHROME_UA,
    reducedMotion: 'reduce',
  }), app.clock)
  if (elder)
    await context.addInitScript(() => {
      // Runs in every document, about:blank too, which has no storage.
      if (location.protocol.startsWith('http')) localStorage.setItem('yibao.preferences', JSON.stringify({ elder: true }))
    })
  // A CSP violation whose failure the page catches (a library probing for `eval`) logs nothing, yet browsers and
  // Lighthouse report it: make every violation a console error, which fails the journey.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`)
    })
  })
  return watchConsole(context)
}

/** A refusal of the BFF the page shows in Chinese (Chromium logs every 4xx/5xx answer as a console error). */
const API_ANSWER = /^Failed to load resource: the server responded with a status of [45]\d\d/
/** Failures a journey causes on purpose: a navigation or a closed stream aborts; `setOffline` disconnects. */
const EXPECTED_FAILURES = new Set(['net::ERR_ABORTED', 'net::ERR_INTERNET_DISCONNECTED'])

/**
 * Every page of the context must stay free of console errors (a CSP refusal, an exception, a Vue error) and failed
 * requests: the journey fails at `context.close()` with the list. Answers of our own API with an error status are
 * the app's business (shown in Chinese on the page), not console noise.
 */
function watchConsole(context: BrowserContext): BrowserContext {
  const problems: string[] = []
  const where = (url: string | undefined) => (url ? new URL(url).pathname : '?')
  context.on('console', (message) => {
    if (message.type() !== 'error') return
    const source = message.location().url
    if (API_ANSWER.test(message.text()) && where(source).startsWith('/api/')) return
    problems.push(`console error on ${where(message.page()?.url())}: ${message.text()} (${where(source)})`)
  })
  context.on('weberror', error => void problems.push(`uncaught on ${where(error.page()?.url())}: ${error.error().message}`))
  context.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed'
    if (!EXPECTED_FAILURES.has(failure)) problems.push(`request failed: ${request.method()} ${where(request.url())} ${failure}`)
  })
  const close = context.close.bind(context)
  context.close = async (options) => {
    await close(options)
    expect(problems, 'console errors and failed requests').toEqual([])
  }
  return context
}

/** "The other phone": an ordinary phone browser opens the simulator's payer page for a Native code and confirms. */
export async function payOnAnotherPhone(browser: Browser, href: string): Promise<void> {
  const phone = await mobileContext(browser, { inWeChat: false })
  const page = await phone.newPage()
  await page.goto(href)
  await page.getByRole('heading', { name: '微信支付（沙箱）' }).waitFor()
  await page.getByRole('button', { name: '确认支付' }).click()
  await page.getByRole('status').getByText('支付成功').waitFor()
  await phone.close()
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** Zero axe violations against WCAG 2.2 AA, with target-size on. */
export async function expectNoAxeViolations(page: Page) {
  // Whatever is still moving settles first (with reduced motion that is at most a frame).
  await page.evaluate(() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => undefined))))
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .options({ rules: { 'target-size': { enabled: true } } })
    // The desk's hidden print frame holds a PDF for the print dialog (aria-hidden, not a page to read).
    .exclude('iframe.desk-print-frame')
    .analyze()
  const summary = results.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} nodes: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)
  expect(summary).toEqual([])
}

/**
 * The browser's print dialog, stood in for: a desk print frame's `print()` (desk-reads.ts `printPdf`) is counted
 * in `window.__prints` instead of opening a dialog, which headless Chromium cannot show (its page crashes). The
 * PDF still loads in the frame; only the dialog is replaced. Returns a reader of the count.
 */
export async function catchPrints(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const own = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow')!
    const counts = window as unknown as { __prints: number }
    counts.__prints = 0
    Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
      configurable: true,
      get(this: HTMLIFrameElement) {
        const win = own.get!.call(this) as Window | null
        if (!win || !this.classList.contains('desk-print-frame')) return win
        return new Proxy(win, {
          get(target, key) {
            if (key === 'print') return () => { counts.__prints += 1 }
            const value = Reflect.get(target, key) as unknown
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
          },
        })
      },
    })
  })
  return () => page.evaluate(() => (window as unknown as { __prints: number }).__prints)
}
