import type { Database, Storage } from './types'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import lockfile from 'proper-lockfile'
import postgres from 'postgres'
import { createOrderEvents, pgliteNotifications, postgresNotifications } from './order-events'
import * as schema from './schema'
import { observedPglite, observedPostgres, type StatementObserver } from './statements'

export { schema }
export type { Database, Storage }

export type StorageOptions = (
  | {
    driver: 'pglite'
    /** Data directory; omitted = in memory (tests). */
    dataDir?: string
    /** Start from a `dumpDataDir()` snapshot (fast test databases). */
    loadDataDir?: Blob
    /** How long to wait for a data directory locked by a process that died (default 20 s). */
    lockWaitMs?: number
  }
  | {
    driver: 'postgres'
    url: string
    /** Use this schema (created if missing) instead of `public`: isolates test runs on one server. */
    schema?: string
    max?: number
    /** Told when the LISTEN connection of the order events fails to (re)connect (it keeps retrying). */
    onListenError?: (error: unknown, attempt: number) => void
  }
) & {
  /** Told the family, outcome and duration of every statement the app's queries run (`/metrics`). */
  observeStatement?: StatementObserver
}

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations')

/** Raised when another process holds the PGlite data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError'
}

/**
 * Settings for the embedded PostgreSQL, on top of PGlite's own start parameters. PostgreSQL's default 128 MB of
 * shared buffers all lands in the process (WebAssembly memory is the BFF's memory): with 16 MB a reopened data
 * directory starts at ~160 MiB RSS instead of ~310 MiB (issue 14's goal is ≤ 300 MiB after load). One
 * single-connection instance with a working set of a few MB does not need more.
 */
export const PGLITE_SETTINGS = ['shared_buffers=16MB'] as const

// PGlite in one process is single-connection; one instance per data dir per process.
const openPglite = new Map<string, Promise<Storage>>()

/** Opens storage and applies pending migrations. */
export async function createStorage(opts: StorageOptions): Promise<Storage> {
  if (opts.driver === 'postgres') return openPostgres(opts)
  if (!opts.dataDir) return openPgliteInstance(opts)
  const dir = resolve(opts.dataDir)
  let pending = openPglite.get(dir)
  if (!pending) {
    pending = openPgliteInstance({ ...opts, dataDir: dir }).catch((error) => {
      openPglite.delete(dir)
      throw error
    })
    openPglite.set(dir, pending)
  }
  return pending
}

/**
 * Creates a new PGlite data directory in a short-lived child process, so initdb's memory (a second PostgreSQL
 * instance, hundreds of MiB of WebAssembly memory that the BFF would otherwise keep) ends with that process:
 * a BFF on a new directory then runs at the size of one on an existing one. initdb writes into a staging
 * directory that is renamed into place, so a crash part-way leaves no half-made database behind.
 */
export async function initPgliteDataDir(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return
  if (readdirSync(dataDir).length > 0) {
    throw new Error(`The data directory ${dataDir} is not empty and holds no database. `
      + 'Empty it, or set DATA_DIR to another directory.')
  }
  // Staging is per process: a child orphaned by a BFF killed during initdb may still be writing its own. Ours
  // holds the directory lock, so any other staging directory is left from a dead run and goes.
  const parent = dirname(dataDir)
  const prefix = `${basename(dataDir)}.initdb-`
  for (const left of readdirSync(parent)) {
    if (left.startsWith(prefix)) rmSync(join(parent, left), { recursive: true, force: true })
  }
  const staging = join(parent, `${prefix}${process.pid}`)
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  const script = 'require(process.argv[1]).PGlite.create({ dataDir: process.argv[2] }).then(db => db.close())'
  try {
    await promisify(execFile)(process.execPath, ['-e', script, pglite, staging], { timeout: 120_000 })
  }
  catch (cause) {
    rmSync(staging, { recursive: true, force: true })
    throw new Error(`Could not create a new database in ${dataDir}: initdb ${initdbFailure(cause)}. `
      + `Check the free disk space and that this user may write to ${parent}.`, { cause })
  }
  if (!existsSync(join(staging, 'PG_VERSION'))) throw new Error(`initdb made no database in ${staging}`)
  renameSync(staging, dataDir)
}

/** What went wrong in the initdb child, in one line: the error it printed (not its stack), or how it ended. */
function initdbFailure(error: unknown): string {
  const { killed, stderr = '' } = error as { killed?: boolean, stderr?: string }
  if (killed) return 'did not finish within 120 s'
  const lines = stderr.split('\n').map(line => line.trim())
  const said = lines.findLast(line => /^[\w.]*(?:Error|Exception)\b/.test(line)) ?? lines.findLast(Boolean)
  return said ? `failed: ${said.slice(0, 300)}` : 'failed'
}

async function openPgliteInstance(opts: Extract<StorageOptions, { driver: 'pglite' }>): Promise<Storage> {
  let release: (() => Promise<void>) | undefined
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true })
    try {
      // PGlite does not lock its directory and two processes corrupt it: we take the lock ourselves.
      // A lock left by a process that was killed goes stale after 15 s: a restart right after a crash waits
      // for that (retrying up to ~20 s) instead of refusing; a live process keeps its lock fresh and wins.
      release = await lockfile.lock(opts.dataDir, {
        stale: 15_000,
        update: 5_000,
        lockfilePath: `${opts.dataDir}.lock`,
        retries: { retries: Math.ceil((opts.lockWaitMs ?? 20_000) / 2_000), factor: 1, minTimeout: 2_000, maxTimeout: 2_000 },
      })
    }
    catch (cause) {
      throw new DataDirLockedError(`The data directory ${opts.dataDir} is in use by another process. Stop it, or set DATA_DIR to another directory (or DATABASE_URL for PostgreSQL).`, { cause })
    }
  }
  try {
    if (opts.dataDir && !opts.loadDataDir) await initPgliteDataDir(opts.dataDir)
    const client = await PGlite.create({
      dataDir: opts.dataDir,
      loadDataDir: opts.loadDataDir,
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap(setting => ['-c', setting])],
    })
    await migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_DIR })
    const observed = opts.observeStatement ? observedPglite(client, opts.observeStatement) : client
    const db = drizzlePglite({ client: observed, schema })
    const orderEvents = createOrderEvents(pgliteNotifications(client))
    return {
      db: db as unknown as Database,
      driver: 'pglite',
      run: async (text, params) => { await client.query(text, params) },
      orderEvents,
      ping: async () => { await client.query('select 1') },
      close: async () => {
        if (opts.dataDir) openPglite.delete(opts.dataDir)
        await orderEvents.close()
        await client.close()
        await release?.()
      },
    }
  }
  catch (error) {
    await release?.()
    throw error
  }
}

async function openPostgres(opts: Extract<StorageOptions, { driver: 'postgres' }>): Promise<Storage> {
  const connection = opts.schema ? { search_path: opts.schema } : undefined
  // Migrations run on one dedicated connection under an advisory lock, so several BFF instances
  // starting together apply each migration exactly once.
  const admin = postgres(opts.url, { max: 1, onnotice: () => {}, connection })
  try {
    await admin`select pg_advisory_lock(7301101)`
    try {
      // Inside the lock: two concurrent `create schema if not exists` can still both try to insert
      // the schema and one fails on pg_namespace's unique index.
      if (opts.schema) await admin.unsafe(`create schema if not exists "${opts.schema.replace(/"/g, '')}"`)
      await migratePostgres(drizzlePostgres({ client: admin }), {
        migrationsFolder: MIGRATIONS_DIR,
        migrationsSchema: opts.schema ?? 'drizzle',
      })
    }
    finally {
      await admin`select pg_advisory_unlock(7301101)`
    }
  }
  finally {
    await admin.end()
  }
  const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {}, connection })
  const observed = opts.observeStatement ? observedPostgres(client, opts.observeStatement) : client
  const db = drizzlePostgres({ client: observed, schema })
  const orderEvents = createOrderEvents(postgresNotifications(opts.url, {
    searchPath: opts.schema,
    onError: opts.onListenError,
  }))
  return {
    db: db as unknown as Database,
    driver: 'postgres',
    run: async (text, params) => { await client.unsafe(text, params as postgres.ParameterOrJSON<never>[]) },
    orderEvents,
    ping: async () => { await db.execute(sql`select 1`) },
    close: async () => {
      await orderEvents.close()
      await client.end({ timeout: 5 })
    },
  }
}
