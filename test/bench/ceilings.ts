// Physical ceilings of this machine, measured in the same run as the paths they bound (issue 14): what one
// order and one callback cannot do without, each on one core.
import { createCipheriv, createDecipheriv, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { createStorage } from '@yibao/server/storage'
import { record } from './goals'
import { freshDatabase } from './processes'

const SPAN_MS = 1000

/** Operations per second of `op` over about a second (after a short warm-up). */
function rate(op: () => void): number {
  for (let i = 0; i < 50; i++) op()
  let n = 0
  const t0 = performance.now()
  while (performance.now() - t0 < SPAN_MS) {
    for (let i = 0; i < 20; i++) op()
    n += 20
  }
  return n / ((performance.now() - t0) / 1000)
}

/** INSERT + COMMIT per second: `workers` connections each committing one row at a time for about a second. */
async function commitRate(run: (sql: string) => Promise<unknown>, workers: number): Promise<number> {
  await run('create table if not exists bench_commit (id bigserial primary key, v text not null)')
  for (let i = 0; i < 50; i++) await run(`insert into bench_commit (v) values ('warm')`)
  let n = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: workers }, async () => {
    while (performance.now() - t0 < SPAN_MS) {
      await run(`insert into bench_commit (v) values ('x')`)
      n++
    }
  }))
  return n / ((performance.now() - t0) / 1000)
}

async function pgliteCommits(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-bench-ceiling-'))
  const storage = await createStorage({ driver: 'pglite', dataDir: join(dir, 'pglite') })
  try {
    return await commitRate(sql => storage.run(sql, []), 1)
  }
  finally {
    await storage.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function postgresCommits(baseUrl: string): Promise<number> {
  const db = await freshDatabase(baseUrl)
  const storage = await createStorage({ driver: 'postgres', url: db.url, max: 10 })
  try {
    return await commitRate(sql => storage.run(sql, []), 10)
  }
  finally {
    await storage.close()
    await db.drop()
  }
}

/**
 * The floor of one order's work: one RSA-2048 signature (the prepay request), one verification (its
 * answer) and one commit; of one callback's: one verification, one AES-256-GCM decryption of ~1 KiB and
 * one commit. The ceiling is the rate of that work done back to back on one core.
 */
export async function ceilingFigures(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const message = randomBytes(200)
  const signature = sign('sha256', message, privateKey)
  const signs = rate(() => sign('sha256', message, privateKey))
  const verifies = rate(() => verify('sha256', message, publicKey, signature))
  const key = randomBytes(32)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const sealed = Buffer.concat([cipher.update(randomBytes(1024)), cipher.final()])
  const tag = cipher.getAuthTag()
  const decrypts = rate(() => {
    const d = createDecipheriv('aes-256-gcm', key, iv)
    d.setAuthTag(tag)
    Buffer.concat([d.update(sealed), d.final()])
  })
  const url = process.env.DATABASE_URL
  const commits = url ? await postgresCommits(url) : await pgliteCommits()
  const where = url ? 'PostgreSQL, 10 connections' : 'PGlite data directory, one connection'
  const orders = 1 / (1 / signs + 1 / verifies + 1 / commits)
  const callbacks = 1 / (1 / verifies + 1 / decrypts + 1 / commits)
  record('ceiling.rsaSign', signs)
  record('ceiling.rsaVerify', verifies)
  record('ceiling.aesGcm1k', decrypts)
  record('ceiling.commit', commits)
  record('ceiling.orders', orders)
  record('ceiling.callbacks', callbacks)
  const n = (v: number) => Math.round(v).toLocaleString('en-US')
  console.log('\n## Physical ceilings of this machine (measured now, one core each)\n')
  console.log(`RSA-2048 sign ${n(signs)}/s, verify ${n(verifies)}/s; AES-256-GCM 1 KiB ${n(decrypts)}/s; `
    + `INSERT + COMMIT ${n(commits)}/s (${where})`)
  console.log(`ceiling of orders (sign + verify + commit): ${n(orders)}/s; `
    + `of callbacks (verify + decrypt + commit): ${n(callbacks)}/s`)
}
