// Operator commands for help-desk staff accounts:
//   pnpm --filter @yibao/server admin create-staff --username wang --name 王芳 --role clerk --regions 370500 [--password …]
//   pnpm --filter @yibao/server admin reset-mfa --username wang
//   pnpm --filter @yibao/server admin unlock --username wang
//   pnpm --filter @yibao/server admin disable|enable --username wang
// (A 系统管理员 does the same on the desk's 人员管理 page, /desk/staff, for the accounts of their regions.)
import type { Env } from './env'
import type { Storage } from './storage/types'
import { dirname, isAbsolute, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { loadEnv } from './env'
import { createStaffAccount, resetStaffMfaByUsername, setStaffDisabledByUsername, StaffAdminError, unlockStaffByUsername } from './lib/staff-admin'
import { createStorage, DataDirLockedError } from './storage'

/** Repository root: `npm start` runs there, so a relative DATA_DIR means the same directory for both. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** Help text of the admin command. */
export const USAGE = `Usage (from the repository root):
  pnpm --filter @yibao/server admin create-staff --username <name> --name <display name> --role clerk|supervisor|admin --regions <code>[,<code>…] [--password <password>]
  pnpm --filter @yibao/server admin reset-mfa --username <name>
  pnpm --filter @yibao/server admin unlock --username <name>
  pnpm --filter @yibao/server admin disable --username <name>    (enable to undo)

Region codes are 6 digits: 370502 one district, 370500 (ends in 00) a whole city, 520000 (ends in 0000) a whole province.
Without --password a strong password is generated and printed once. Storage is the app's: DATABASE_URL, or the
PGlite directory DATA_DIR (default .data/pglite, relative to the repository root), which the running app locks.`

/** Where `runAdmin` writes (the console, or arrays in tests) and its clock. */
export interface AdminIo {
  out: (line: string) => void
  err: (line: string) => void
  now?: () => Date
}

/** Runs one admin command against open storage; resolves to the process exit code. */
export async function runAdmin(argv: string[], storage: Storage, io: AdminIo): Promise<number> {
  const now = io.now ?? (() => new Date())
  const [command, ...rest] = argv
  let values: Record<string, string | undefined>
  try {
    values = parseArgs({
      args: rest,
      options: { username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, regions: { type: 'string' }, password: { type: 'string' } },
      strict: true,
    }).values
  }
  catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  try {
    switch (command) {
      case 'create-staff': {
        const { account, password, generated } = await createStaffAccount(storage.db, {
          username: values.username ?? '',
          displayName: values.name ?? '',
          role: (values.role ?? '') as 'clerk',
          regionCodes: (values.regions ?? '').split(',').map(r => r.trim()).filter(Boolean),
          password: values.password,
        })
        io.out(`created staff account ${account.username} (${account.role}, regions ${account.regionCodes.join(',')})`)
        if (generated) io.out(`password (shown only now, hand it over in person): ${password}`)
        io.out('the authenticator app (TOTP) is enrolled at the first sign-in on /desk/login')
        return 0
      }
      case 'reset-mfa':
        if (!values.username) throw new StaffAdminError('--username is required')
        await resetStaffMfaByUsername(storage.db, values.username, now())
        io.out(`authenticator of ${values.username} cleared and its sessions ended: the next sign-in enrols a new one`)
        return 0
      case 'unlock':
        if (!values.username) throw new StaffAdminError('--username is required')
        await unlockStaffByUsername(storage.db, values.username)
        io.out(`${values.username} unlocked`)
        return 0
      case 'disable':
      case 'enable':
        if (!values.username) throw new StaffAdminError('--username is required')
        await setStaffDisabledByUsername(storage.db, values.username, command === 'disable', now())
        io.out(command === 'disable' ? `${values.username} disabled and its sessions ended` : `${values.username} enabled`)
        return 0
      default:
        io.err(USAGE)
        return 2
    }
  }
  catch (error) {
    if (error instanceof StaffAdminError) {
      io.err(`error: ${error.message}`)
      return 1
    }
    throw error
  }
}

async function openStorage(env: Env): Promise<Storage> {
  if (env.DATABASE_URL) return createStorage({ driver: 'postgres', url: env.DATABASE_URL })
  const dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(ROOT, env.DATA_DIR)
  return createStorage({ driver: 'pglite', dataDir })
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h') {
    console.log(USAGE)
    return argv.length ? 0 : 2
  }
  const env = loadEnv()
  let storage: Storage
  try {
    storage = await openStorage(env)
  }
  catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(`The app is running and holds its PGlite data directory (${env.DATA_DIR}), which only one process may open.\nStop the app (Ctrl+C where npm start runs), run this command again, then start the app again.\nWith PostgreSQL (DATABASE_URL) the app can keep running.`)
      return 1
    }
    throw error
  }
  try {
    return await runAdmin(argv, storage, { out: line => console.log(line), err: line => console.error(line) })
  }
  finally {
    await storage.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(code => process.exit(code), (error: unknown) => {
    console.error('admin command failed:', error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
