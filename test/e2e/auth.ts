import type { Page } from 'playwright-core'
import type { LaunchedApp } from './global-setup'
import { inject } from 'vitest'
import { authenticatorCode } from './browser'

/** The sandbox's demo resident (张秀英, Dongying), reserved for the family journey (her household). */
export const DEMO = { name: '张秀英', certNo: '370502198603150420' }

/** A seeded person as the sandbox lists them (`/__sandbox/residents`; paid years as of the app's clock). */
export interface SandboxResident {
  name: string
  certNo: string
  age: number
  deathDate: string | null
  household: { id: string, relation: string }
  paidYears: number[]
  tags: string[]
  statuses: unknown[]
  insurance: { insutype: string, endDate: string | null }[]
}

/** The seeded people of a sandbox, filtered by `query` (e.g. `region=520000`). */
export async function sandboxResidents(query = '', sandboxURL = inject('sandboxURL')): Promise<SandboxResident[]> {
  const res = await fetch(`${sandboxURL}/__sandbox/residents${query ? `?${query}` : ''}`)
  return (await res.json() as { residents: SandboxResident[] }).residents
}

/** A call to the sandbox's own controls (tax stand-in, WeChat Pay simulator, carrier verdicts…). */
export function sandboxCall(method: string, path: string, body?: unknown): Promise<Response> {
  const payload = body !== undefined ? { body: JSON.stringify(body) } : {}
  const headers = { 'content-type': 'application/json' }
  return fetch(`${inject('sandboxURL')}${path}`, { method, headers, ...payload })
}

/** Alive, with resident insurance (390) in force. */
export const activeResident = (r: SandboxResident) =>
  !r.deathDate && r.insurance.some(i => i.insutype === '390' && !i.endDate)

/**
 * Fengxiang (610322) adults with active resident insurance, from the end of the list. The first three places (no
 * household with a child under 16 among them: pay.spec may take an adult-and-child pair of Fengxiang) are taken by
 * desk-identity.spec (the first) and certificate.spec (the next two); desk-console.spec takes from `rest`.
 */
export async function fengxiangAdults(): Promise<{ reserved: SandboxResident[], rest: SandboxResident[] }> {
  const all = await sandboxResidents('region=610322')
  const withChild = new Set(all.filter(p => p.age < 16).map(p => p.household.id))
  const adults = all.filter(p => p.age >= 18 && activeResident(p)).reverse()
  const reserved = adults.filter(p => !withChild.has(p.household.id)).slice(0, 3)
  return { reserved, rest: adults.filter(p => !reserved.includes(p)) }
}

let residents: SandboxResident[] | null = null
let handedOut = 0

/**
 * Each spec file has its own slice of the seeded population: a person binds to one phone only, so
 * journeys (which run in one app) must never share people. Add a spec here when it signs people in.
 * `estimate` and `family` sign nobody in from their slices (family uses the demo household); the
 * coverage journey searches their slices too for a household with a child.
 */
const SLICES = ['home', 'auth', 'estimate', 'coverage', 'family', 'pay', 'staff'] as const
const PER_SLICE = 4

/** Every person of some slices (for a journey that must pick, e.g., a household with a child). */
export async function sliceResidents(specs: (typeof SLICES[number])[]): Promise<{ name: string, certNo: string }[]> {
  await ensureResidents()
  return specs.flatMap(spec => residents!.slice(SLICES.indexOf(spec) * PER_SLICE, (SLICES.indexOf(spec) + 1) * PER_SLICE)).map(r => ({ name: r.name, certNo: r.certNo }))
}

async function ensureResidents() {
  if (residents) return
  const all = await sandboxResidents('region=370500')
  // The demo household belongs to the family journey: none of its members are handed out.
  const demoHousehold = all.find(r => r.certNo === DEMO.certNo)?.household.id
  residents = all.filter(r => r.household.id !== demoHousehold && activeResident(r))
}

/** A seeded Dongying resident with active resident insurance, unused by any other journey of the run. */
export async function nextResident(spec: typeof SLICES[number]): Promise<{ name: string, certNo: string }> {
  await ensureResidents()
  if (handedOut >= PER_SLICE) throw new Error(`spec ${spec} used more than ${PER_SLICE} residents`)
  const r = residents![SLICES.indexOf(spec) * PER_SLICE + handedOut++]
  if (!r) throw new Error('ran out of seeded residents')
  return { name: r.name, certNo: r.certNo }
}

let phoneSeq = 0
/** A phone number unique to this run (the sandbox rate-limits codes per phone). */
export function uniquePhone(): string {
  phoneSeq += 1
  return `139${String(Date.now() % 100_000).padStart(5, '0')}${String(phoneSeq).padStart(3, '0')}`
}

/** Name and ID number of a seeded person, by ID number. */
export async function sandboxPerson(certNo: string): Promise<{ name: string, certNo: string }> {
  const found = (await sandboxResidents()).find(r => r.certNo === certNo)
  if (!found) throw new Error(`no seeded person ${certNo}`)
  return { name: found.name, certNo: found.certNo }
}

/** The newest code the sandbox SMS gateway "sent" to a phone (notices without a code are skipped). */
export async function smsCodeFor(phone: string, sandboxURL = inject('sandboxURL')): Promise<string> {
  const found = (await smsFor(phone, sandboxURL)).find(m => m.params.code)
  if (!found?.params.code) throw new Error(`no SMS code sent to ${phone}`)
  return found.params.code
}

/** One message of the sandbox SMS gateway. */
export interface SandboxSms { template: string, params: Record<string, string>, text: string }

/** What the sandbox SMS gateway "sent" to a phone, newest first. */
export async function smsFor(phone: string, sandboxURL = inject('sandboxURL')): Promise<SandboxSms[]> {
  const res = await fetch(`${sandboxURL}/__sandbox/sms?phone=${phone}`)
  return (await res.json() as { messages: SandboxSms[] }).messages
}

/** A check run on a page (e.g. `expectNoAxeViolations`). */
type AxeCheck = (page: Page) => Promise<void>

/** The buttons of the 人脸核身 simulator page (the provider's H5 page in the sandbox). */
export type FaceOutcome = '通过' | '活体检测未通过' | '非本人' | '超时（不返回）'

/**
 * The face step of a page (`face-start`): the browser goes to the provider's page (the sandbox simulator),
 * the person's face gives `outcome`, and the browser comes back to the app (for 超时 through the simulator's
 * 返回原页面 link: the provider never answers).
 */
export async function faceCheck(page: Page, outcome: FaceOutcome = '通过', opts: { axe?: AxeCheck } = {}) {
  await page.getByTestId('face-start').click()
  await page.getByRole('heading', { name: '人脸核身（沙箱）' }).waitFor()
  await opts.axe?.(page)
  await page.getByRole('button', { name: outcome, exact: true }).click()
  if (outcome === '超时（不返回）') {
    await page.getByText('模拟超时：核身结果未返回').waitFor()
    await page.getByRole('link', { name: '返回原页面' }).click()
  }
  await page.waitForURL(url => !new URL(url).pathname.startsWith('/__sandbox'))
}

/** Asks for a code on the sign-in page and types it in (the code from the sandbox at `sandboxURL`). */
export async function fillPhoneAndCode(page: Page, phone: string, sandboxURL = inject('sandboxURL')) {
  await page.getByLabel('手机号').fill(phone)
  await page.getByTestId('send-code').click()
  await page.getByText('验证码已发送').waitFor()
  await page.getByLabel('验证码').fill(await smsCodeFor(phone, sandboxURL))
}

/** From the sign-in page through WeChat: the sandbox's 微信授权 page, 允许, back on the app's 实名认证 step. */
export async function wechatAuthorize(page: Page) {
  await page.goto('/login')
  await page.getByTestId('wechat-login').click()
  await page.getByRole('heading', { name: '微信授权（沙箱）' }).waitFor()
  await page.getByRole('link', { name: '允许' }).click()
  await page.getByRole('heading', { name: '实名认证' }).waitFor()
}

/** On the 实名认证 step: the person's name and ID number, submitted. */
export async function submitIdentity(page: Page, person: { name: string, certNo: string }) {
  await page.getByRole('heading', { name: '实名认证' }).waitFor()
  await page.getByLabel('姓名').fill(person.name)
  await page.getByLabel('身份证号').fill(person.certNo)
  await page.getByTestId('submit').click()
}

/** Phone sign-in up to the 实名认证 step, then the person's name and ID number submitted. Returns the phone. */
export async function phoneBindStep(
  page: Page,
  person: { name: string, certNo: string },
  phone = uniquePhone(),
  sandboxURL = inject('sandboxURL'),
) {
  await page.goto('/login')
  await fillPhoneAndCode(page, phone, sandboxURL)
  await page.getByTestId('submit').click()
  await submitIdentity(page, person)
  return phone
}

/** Where a sign-in ends: home, or first the consent page (a first sign-in, or new texts since the last). */
const LANDINGS = ['/', '/consent']
const landing = (url: URL) => LANDINGS.includes(url.pathname)

/**
 * Signs in through the UI by phone + SMS, with 实名认证 on first use. Ends on the home page. `sandboxURL` is
 * the shared app's sandbox unless a journey launched its own app.
 */
export async function signInByPhone(
  page: Page,
  person = DEMO,
  phone = uniquePhone(),
  sandboxURL = inject('sandboxURL'),
) {
  await phoneBindStep(page, person, phone, sandboxURL)
  // A first binding asks for the person's 人脸核身 (passed on the sandbox simulator), then binds.
  const landed = page.waitForURL(landing).then(() => 'landed' as const, () => null)
  const face = page.getByTestId('face-start').waitFor().then(() => 'face' as const, () => null)
  if (await Promise.race([landed, face]) === 'face') await faceCheck(page)
  await landOnHome(page)
  await page.getByTestId('resident-name').waitFor()
  return phone
}

/**
 * The end of a sign-in: on the consent page (用户协议、隐私政策 and the separate sensitive-information consent)
 * when the app asks, both boxes ticked and 同意并继续; then home.
 */
export async function landOnHome(page: Page) {
  await page.waitForURL(landing)
  if (new URL(page.url()).pathname === '/consent') await agreeToConsent(page)
  await page.waitForURL(url => new URL(url).pathname === '/')
}

/** On the consent page: both boxes ticked (nothing is ticked for the resident), 同意并继续; `axe` checks it first. */
export async function agreeToConsent(page: Page, opts: { axe?: AxeCheck } = {}) {
  await page.waitForURL(url => new URL(url).pathname === '/consent')
  await page.getByTestId('consent-form').waitFor()
  await opts.axe?.(page)
  await page.getByTestId('consent-general').check()
  await page.getByTestId('consent-sensitive').check()
  await page.getByTestId('consent-agree').click()
  await page.waitForURL(url => new URL(url).pathname !== '/consent')
}

interface StaffSignInOptions {
  landing?: string
  onEnrol?: (page: Page, secret: string) => Promise<void>
  /** The account's secret when it is enrolled already: the code is asked for straight after the password. */
  enrolled?: string
  /** The app's clock the code is made at: the shared app's unless a journey launched its own. */
  clock?: LaunchedApp['clock']
}

/**
 * On the staff sign-in page: a seeded help-desk account's password, then (first time) the authenticator
 * enrolment — the secret shown read and its code typed; `onEnrol` checks the enrolment page first — or, for
 * an account `enrolled` already, its code. Ends on `landing`; returns the secret.
 */
export async function staffSignIn(
  page: Page,
  username: string,
  { landing = '/desk', onEnrol, enrolled, clock }: StaffSignInOptions = {},
): Promise<string> {
  await page.getByLabel('用户名', { exact: true }).fill(username)
  await page.getByLabel('密码', { exact: true }).fill(inject('staffPassword'))
  await page.getByTestId('desk-password-submit').click()
  let secret = enrolled
  if (secret) {
    await page.getByRole('heading', { name: '输入动态验证码' }).waitFor()
  }
  else {
    await page.getByRole('heading', { name: '绑定身份验证器' }).waitFor()
    secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '')
    await onEnrol?.(page, secret)
  }
  await page.getByLabel('动态验证码', { exact: true }).fill(authenticatorCode(secret, clock))
  await page.getByTestId('desk-code-submit').click()
  await page.waitForURL(url => new URL(url).pathname === landing)
  return secret
}
