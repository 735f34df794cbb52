import type { Storage } from './storage/types'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAdmin } from './admin'
import { parseEnv } from './env'
import { verifyPassword } from './lib/password'
import { seedDemoStaff } from './lib/staff-admin'
import { findStaffBy, reserveSignInAttempt, setStaffTotpSecret, staffGuardRef } from './storage/staff'
import { createTestStorage } from './testing/storage'

let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

async function run(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runAdmin(argv, storage, { out: l => out.push(l), err: l => err.push(l) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('admin command', () => {
  it('creates a staff account with a generated password printed once', async () => {
    const r = await run('create-staff', '--username', 'Wang', '--name', '王芳', '--role', 'clerk', '--regions', '370500,370600')
    expect(r.code).toBe(0)
    expect(r.out).toContain('created staff account wang (clerk, regions 370500,370600)')
    const password = /password \(shown only now, hand it over in person\): (\S+)/.exec(r.out)?.[1]
    expect(password).toHaveLength(20)
    const account = await findStaffBy(storage.db, 'username', 'wang')
    expect(account).toMatchObject({ displayName: '王芳', role: 'clerk', regionCodes: ['370500', '370600'] })
    expect(account!.totpEnrolled).toBe(false)
    expect(account!.passwordHash).not.toContain(password!)
    expect(await verifyPassword(account!.passwordHash, password!)).toBe(true)
  })

  it('takes a given password and prints none', async () => {
    const r = await run('create-staff', '--username', 'li', '--name', '李娜', '--role', 'supervisor', '--regions', '520000', '--password', 'a-long-enough-password')
    expect(r.code).toBe(0)
    expect(r.out).not.toContain('a-long-enough-password')
    expect(await verifyPassword((await findStaffBy(storage.db, 'username', 'li'))!.passwordHash, 'a-long-enough-password')).toBe(true)
  })

  it('refuses a taken username, a bad role, bad regions and a short password', async () => {
    expect(await run('create-staff', '--username', 'wang', '--name', 'x', '--role', 'clerk', '--regions', '370500')).toMatchObject({ code: 1, err: 'error: username wang is taken' })
    expect((await run('create-staff', '--username', 'zhao', '--name', 'x', '--role', 'boss', '--regions', '370500')).err).toContain('role must be one of clerk, supervisor, admin')
    expect((await run('create-staff', '--username', 'zhao', '--name', 'x', '--role', 'clerk', '--regions', '3705')).err).toContain('6-digit code')
    expect((await run('create-staff', '--username', 'zhao', '--name', 'x', '--role', 'clerk', '--regions', '370500', '--password', 'short')).err).toContain('at least 12 characters')
    expect(await findStaffBy(storage.db, 'username', 'zhao')).toBeNull()
    expect((await run('create-staff', '--bogus', 'x')).code).toBe(2)
    expect((await run('drop-everything')).code).toBe(2)
  })

  it('resets the authenticator and lifts a lock', async () => {
    const account = (await findStaffBy(storage.db, 'username', 'wang'))!
    const now = new Date()
    await setStaffTotpSecret(storage.db, account.id, 'v1.sealed', now)
    // Locked from two places (each source has its own lock).
    const lockUntil = new Date(now.getTime() + 900_000)
    const guard = { accountRef: staffGuardRef(account.id), lockAfter: 6, lockUntil, now }
    for (const sourceRef of ['ip-a', 'ip-b'])
      for (let i = 0; i < 6; i++) await reserveSignInAttempt(storage.db, { ...guard, sourceRef })
    expect((await reserveSignInAttempt(storage.db, { ...guard, sourceRef: 'ip-a' })).allowed).toBe(false)

    expect(await run('unlock', '--username', 'wang')).toMatchObject({ code: 0, out: 'wang unlocked' })
    for (const sourceRef of ['ip-a', 'ip-b'])
      expect(await reserveSignInAttempt(storage.db, { ...guard, sourceRef })).toMatchObject({ attempt: 1 })
    expect((await run('reset-mfa', '--username', 'wang')).code).toBe(0)
    expect(await findStaffBy(storage.db, 'id', account.id)).toMatchObject({ totpSecretEnc: null, totpEnrolled: false, totpLastStep: null })
    expect(await run('unlock', '--username', 'nobody')).toMatchObject({ code: 1, err: 'error: no staff account nobody' })
    expect((await run('reset-mfa')).code).toBe(1)
  })
})

describe('sandbox demo staff (SEED_DEMO_STAFF)', () => {
  it('creates the listed accounts once, in sandbox modes only', async () => {
    const env = parseEnv({ SEED_DEMO_STAFF: 'demo-clerk:clerk:370500, demo-super:supervisor:370500+520000', SEED_DEMO_STAFF_PASSWORD: 'demo-password-123' })
    expect(await seedDemoStaff(storage.db, env)).toEqual(['demo-clerk', 'demo-super'])
    expect(await seedDemoStaff(storage.db, env)).toEqual([])
    expect(await findStaffBy(storage.db, 'username', 'demo-super')).toMatchObject({ role: 'supervisor', regionCodes: ['370500', '520000'] })
  })

  it('is refused by the environment check with SANDBOX=off or without a password', () => {
    /** The env parser's complaints ('' when none); other variables' problems do not matter here. */
    const problems = (source: Record<string, string>) => {
      try {
        parseEnv(source)
        return ''
      }
      catch (error) {
        return (error as Error).message
      }
    }
    const real = { SANDBOX: 'off', NHSA_BASE_URL: 'https://nhsa.example', SMS_BASE_URL: 'https://sms.example', WECHAT_AUTHORIZE_BASE_URL: 'https://open.example', WECHAT_API_BASE_URL: 'https://api.example', WECHAT_APP_SECRET: 'real-secret' }
    expect(problems({ ...real, SEED_DEMO_STAFF: 'demo-clerk:clerk:370500', SEED_DEMO_STAFF_PASSWORD: 'demo-password-123' })).toContain('SEED_DEMO_STAFF: demo staff accounts are for sandbox modes only')
    expect(problems(real)).not.toContain('SEED_DEMO_STAFF')
    expect(problems({ SEED_DEMO_STAFF: 'demo-clerk:clerk:370500' })).toContain('SEED_DEMO_STAFF_PASSWORD: SEED_DEMO_STAFF needs SEED_DEMO_STAFF_PASSWORD')
    expect(problems({ SEED_DEMO_STAFF: 'demo-clerk:boss:370500', SEED_DEMO_STAFF_PASSWORD: 'demo-password-123' })).toContain('expected username:clerk|supervisor|admin:region[+region], got demo-clerk:boss:370500')
    expect(problems({ SEED_DEMO_STAFF: 'demo-clerk:clerk:370500', SEED_DEMO_STAFF_PASSWORD: 'demo-password-123' })).toBe('')
  })
})
