import type { Page } from 'playwright-core'
import { inject } from 'vitest'

/** The sandbox's demo resident (张秀英, Dongying), reserved for the family journey (her household). */
export const DEMO = { name: '张秀英', certNo: '370502198603150420' }

interface SandboxResident { name: string, certNo: string, deathDate: string | null, household: { id: string }, insurance: { insutype: string, endDate: string | null }[] }
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
  const res = await fetch(`${inject('sandboxURL')}/__sandbox/residents?region=370500`)
  const all = (await res.json() as { residents: SandboxResident[] }).residents
  // The demo household belongs to the family journey: none of its members are handed out.
  const demoHousehold = all.find(r => r.certNo === DEMO.certNo)?.household.id
  residents = all.filter(r => r.household.id !== demoHousehold && !r.deathDate && r.insurance.some(i => i.insutype === '390' && !i.endDate))
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
  const res = await fetch(`${inject('sandboxURL')}/__sandbox/residents`)
  const found = (await res.json() as { residents: SandboxResident[] }).residents.find(r => r.certNo === certNo)
  if (!found) throw new Error(`no seeded person ${certNo}`)
  return { name: found.name, certNo: found.certNo }
}

/** The newest code the sandbox SMS gateway "sent" to a phone. */
export async function smsCodeFor(phone: string): Promise<string> {
  const res = await fetch(`${inject('sandboxURL')}/__sandbox/sms?phone=${phone}`)
  const { messages } = await res.json() as { messages: { params: { code: string } }[] }
  if (!messages[0]) throw new Error(`no SMS sent to ${phone}`)
  return messages[0].params.code
}

/** Asks for a code on the sign-in page and types it in. */
export async function fillPhoneAndCode(page: Page, phone: string) {
  await page.getByLabel('手机号').fill(phone)
  await page.getByTestId('send-code').click()
  await page.getByText('验证码已发送').waitFor()
  await page.getByLabel('验证码').fill(await smsCodeFor(phone))
}

/** Signs in through the UI by phone + SMS, with 实名认证 on first use. Ends on the home page. */
export async function signInByPhone(page: Page, person = DEMO, phone = uniquePhone()) {
  await page.goto('/login')
  await fillPhoneAndCode(page, phone)
  await page.getByTestId('submit').click()
  await page.getByRole('heading', { name: '实名认证' }).waitFor()
  await page.getByLabel('姓名').fill(person.name)
  await page.getByLabel('身份证号').fill(person.certNo)
  await page.getByTestId('submit').click()
  await page.waitForURL(url => new URL(url).pathname === '/')
  await page.getByTestId('resident-name').waitFor()
  return phone
}
