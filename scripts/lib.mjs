// Helpers for the root scripts: they run on a fresh clone with only Node 20 and npm.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const PNPM_VERSION = '10.34.9'

/** `pnpm` from PATH when it is the pinned version, else through npx. */
export function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' })
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ['pnpm']
  return ['npx', '--yes', `pnpm@${PNPM_VERSION}`]
}

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } })
  return res.status ?? 1
}

export function runOrExit(label, cmd, args, opts) {
  console.log(`\n▶ ${label}`)
  const status = run(cmd, args, opts)
  if (status !== 0) {
    console.error(`✗ ${label} failed (exit ${status})`)
    process.exit(status)
  }
}

export function pnpm(label, args, opts) {
  const [cmd, ...pre] = pnpmCommand()
  runOrExit(label, cmd, [...pre, ...args], opts)
}

/** Installs dependencies on a fresh clone (and after the lockfile changed). */
export function ensureInstalled() {
  const marker = join(ROOT, 'node_modules/.modules.yaml')
  if (existsSync(marker) && existsSync(join(ROOT, 'server/node_modules'))) return
  pnpm('pnpm install', ['install', '--frozen-lockfile'])
}

export function bin(name) {
  return join(ROOT, 'node_modules/.bin', name)
}

export function spawnChild(cmd, args, opts = {}) {
  return spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } })
}
