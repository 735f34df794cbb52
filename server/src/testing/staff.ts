import type { StaffRole } from '../storage/staff'
import type { AppDeps } from '../lib/types'
import type { TestBrowser } from './auth'
import process from 'node:process'
import { Secret, TOTP } from 'otpauth'
import { createStaffAccount } from '../lib/staff-admin'

let seq = 0

/** A staff account with a known password (each call a new username). */
export async function createTestStaff(deps: AppDeps, opts: { role?: StaffRole, regions?: string[], name?: string } = {}) {
  seq += 1
  const username = `staff-${process.pid}-${seq}`
  const password = `test-password-${seq}-long-enough`
  const { account } = await createStaffAccount(deps.storage.db, { username, displayName: opts.name ?? `Staff ${seq}`, role: opts.role ?? 'clerk', regionCodes: opts.regions ?? ['370500'], password })
  return { account, username, password }
}

/** The code an authenticator app shows for `secret` at `at` (computed with otpauth, as a phone would). */
export function authenticatorCode(secret: string, at: Date): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at.getTime() })
}

/**
 * Signs a staff member in through both factors (enrolling the authenticator the first time) and
 * returns the TOTP secret. The caller's clock must move on ≥ 30 s before the same account signs in
 * again (a code is accepted once).
 */
export async function signInStaff(browser: TestBrowser, deps: AppDeps, staff: { username: string, password: string }, secret?: string): Promise<string> {
  const res = await browser.request('/api/v1/desk/auth/password', { method: 'POST', json: { username: staff.username, password: staff.password } })
  if (res.status !== 200) throw new Error(`password step: HTTP ${res.status} ${await res.text()}`)
  const body = await res.json() as { next: 'totp' } | { next: 'enrol', secret: string }
  await browser.refreshSession()
  const key = body.next === 'enrol' ? body.secret : secret
  if (!key) throw new Error('account is enrolled: pass its secret')
  const totp = await browser.request('/api/v1/desk/auth/totp', { method: 'POST', json: { code: authenticatorCode(key, deps.now()) } })
  if (totp.status !== 200) throw new Error(`totp step: HTTP ${totp.status} ${await totp.text()}`)
  await browser.refreshSession()
  return key
}
