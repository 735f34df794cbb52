import type { Storage } from './types'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestStorage, testSchemaName } from '../testing/storage'
import { createAuditWriter, listAuditForSubject, recordAudit } from './audit'
import { createStorage, initPgliteDataDir, PGLITE_SETTINGS } from './index'
import { insertSession, revokeSession } from './sessions'
import journal from './migrations/meta/_journal.json' with { type: 'json' }

const pgUrl = process.env.TEST_DATABASE_URL
let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

describe(`storage on ${pgUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('applies the migrations', async () => {
    const rows = await storage.db.execute(sql`select count(*)::int as n from audit_events`)
    expect(rows).toBeDefined()
  })

  it.skipIf(pgUrl)('runs the embedded PostgreSQL with small shared buffers (the process\'s own memory)', async () => {
    // PGlite's drizzle answers `execute` with `{ rows }`.
    const { rows } = await storage.db.execute(sql`show shared_buffers`) as unknown as { rows: unknown[] }
    expect(rows).toEqual([{ shared_buffers: '16MB' }])
    expect(PGLITE_SETTINGS).toContain('shared_buffers=16MB')
  })

  // Each test file (and each BFF deployment) migrates into its own schema: a migration that names "public"
  // points its foreign keys at another schema's tables (drizzle-kit writes REFERENCES "public"."x"; strip it).
  it('has migrations that name no schema', async () => {
    const dir = resolve(import.meta.dirname, 'migrations')
    const files = (await readdir(dir)).filter(f => f.endsWith('.sql'))
    const naming = []
    for (const f of files) if ((await readFile(join(dir, f), 'utf8')).includes('"public".')) naming.push(f)
    expect(files.length).toBe(journal.entries.length)
    expect(naming).toEqual([])
  })

  it('appends audit events and reads them back newest first', async () => {
    const base = { actorType: 'resident' as const, actorId: 'a1', subjectRef: 'subject-1', channel: 'self' as const, success: true }
    await recordAudit(storage.db, { ...base, action: 'profile.read' })
    await recordAudit(storage.db, { ...base, action: 'coverage.read' })
    const events = await listAuditForSubject(storage.db, 'subject-1')
    expect(events.map(e => e.action)).toEqual(['coverage.read', 'profile.read'])
    expect(events[0]!.at).toBeInstanceOf(Date)
  })

  it('group-commits a batch in the order it happened, every field kept (detail, nulls, Chinese text)', async () => {
    const writer = createAuditWriter(storage)
    const base = { actorType: 'staff' as const, actorId: 'clerk-1', subjectRef: 'subject-batch', channel: 'help_desk' as const }
    await Promise.all([
      writer.record({ ...base, action: 'desk.lookup', success: true, actorRole: 'clerk', subjectMasked: '370502********0420', subjectRegion: '370502', target: 'person', requestId: 'r-1', clientIp: '10.0.0.1', detail: { reason: '窗口办理', n: 2 } }),
      writer.record({ ...base, action: 'desk.unmask', success: false }),
      writer.record({ ...base, action: 'desk.pay', success: true, detail: { nested: { ok: true } } }),
    ])
    const events = await listAuditForSubject(storage.db, 'subject-batch')
    expect(events.map(e => e.action)).toEqual(['desk.pay', 'desk.unmask', 'desk.lookup'])
    expect(events[0]!.id).toBeGreaterThan(events[1]!.id)
    expect(events[2]).toMatchObject({ actorType: 'staff', actorId: 'clerk-1', actorRole: 'clerk', subjectMasked: '370502********0420', subjectRegion: '370502', channel: 'help_desk', target: 'person', success: true, requestId: 'r-1', clientIp: '10.0.0.1', detail: { reason: '窗口办理', n: 2 } })
    expect(events[1]).toMatchObject({ success: false, actorRole: null, target: null, detail: null })
    expect(events[0]!.detail).toEqual({ nested: { ok: true } })
  })

  it('stores each event at the time the app stamped it, text exactly as given, and batches of any size', async () => {
    // A clock a millisecond further on each reading: two batches may be stored at once (pipelined), and
    // their events still list in the order they happened, by time.
    let ms = Date.parse('2026-12-31T15:59:59.995Z')
    const writer = createAuditWriter(storage, { maxBatch: 3, maxInFlight: 2 }, () => new Date(ms++))
    const base = { actorType: 'resident' as const, actorId: 'r-1', subjectRef: 'subject-stamped', channel: 'self' as const }
    const tricky = 'a "quoted" \\ back\nslash, 张三 \u2028 {"not": "json"}'
    await Promise.all(Array.from({ length: 7 }, (_, i) =>
      writer.record({ ...base, action: `read.${i}`, success: i % 2 === 0, target: tricky, detail: { i, tricky } })))
    const events = await listAuditForSubject(storage.db, 'subject-stamped')
    expect(events.map(e => e.action)).toEqual([6, 5, 4, 3, 2, 1, 0].map(i => `read.${i}`))
    expect(events.map(e => e.at.toISOString())).toEqual([
      '2026-12-31T16:00:00.001Z',
      '2026-12-31T16:00:00.000Z',
      '2026-12-31T15:59:59.999Z',
      '2026-12-31T15:59:59.998Z',
      '2026-12-31T15:59:59.997Z',
      '2026-12-31T15:59:59.996Z',
      '2026-12-31T15:59:59.995Z',
    ])
    expect(events.map(e => e.success)).toEqual([true, false, true, false, true, false, true])
    expect(events.every(e => e.target === tricky)).toBe(true)
    expect(events[0]!.detail).toEqual({ i: 6, tricky })
  })

  it('ends a session once: of many racing to end it, exactly one is told it did', async () => {
    const now = new Date('2026-12-31T15:59:59Z')
    const id = `race-${Math.random().toString(36).slice(2)}`
    await insertSession(storage.db, {
      id,
      kind: 'pending',
      accountId: null,
      csrfToken: 'c',
      idleTimeoutS: 600,
      expiresAt: new Date(now.getTime() + 600_000),
      now,
    })
    const ended = await Promise.all(Array.from({ length: 8 }, () => revokeSession(storage.db, id, now)))
    expect(ended.filter(Boolean)).toHaveLength(1)
    expect(await revokeSession(storage.db, id, now)).toBe(false)
  })

  it('refuses to change or delete an audit event (append-only)', async () => {
    await recordAudit(storage.db, { actorType: 'system', actorId: 's', subjectRef: 'subject-2', channel: 'self', action: 'x', success: true })
    await expect(storage.db.execute(sql`update audit_events set action = 'tampered' where subject_ref = 'subject-2'`)).rejects.toThrow()
    await expect(storage.db.execute(sql`delete from audit_events where subject_ref = 'subject-2'`)).rejects.toThrow()
    const events = await listAuditForSubject(storage.db, 'subject-2')
    expect(events.map(e => e.action)).toEqual(['x'])
  })
})

describe.runIf(pgUrl)('several BFF instances on one PostgreSQL', () => {
  it('apply each migration once when they start together', async () => {
    const schema = testSchemaName()
    const instances = await Promise.all([1, 2, 3].map(() => createStorage({ driver: 'postgres', url: pgUrl!, schema, max: 2 })))
    try {
      const rows = await instances[0]!.db.execute(sql.raw(`select count(*)::int as n from "${schema}".__drizzle_migrations`)) as unknown as { n: number }[]
      expect(rows[0]!.n).toBe(journal.entries.length)
      await recordAudit(instances[1]!.db, { actorType: 'system', actorId: 's', subjectRef: 'shared', channel: 'self', action: 'from-2', success: true })
      expect((await listAuditForSubject(instances[2]!.db, 'shared')).map(e => e.action)).toEqual(['from-2'])
    }
    finally {
      await instances[0]!.db.execute(sql.raw(`drop schema "${schema}" cascade`))
      await Promise.all(instances.map(i => i.close()))
    }
  })
})

describe.skipIf(pgUrl)('PGlite data directory', () => {
  it('opens after a crash: the lock a killed process left goes stale and a restart waits for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'yibao-crash-lock-'))
    try {
      const script = `import { createStorage } from ${JSON.stringify(resolve(import.meta.dirname, 'index.ts'))}
        createStorage({ driver: 'pglite', dataDir: ${JSON.stringify(join(dir, 'db'))} })
          .then(() => { console.log('opened'); process.kill(process.pid, 'SIGKILL') })`
      const tsx = resolve(import.meta.dirname, '../../node_modules/.bin/tsx')
      const killed = await promisify(execFile)(tsx, ['--eval', script], { cwd: dir })
        .catch((e: { signal: string | null, code: number | null, stdout: string }) => e)
      // tsx relays its child's death as exit status 137 (128 + SIGKILL).
      expect(killed).toMatchObject({ stdout: expect.stringContaining('opened') })
      const { signal, code } = killed as { signal: string | null, code: number | null }
      expect(signal === 'SIGKILL' || code === 137).toBe(true)
      const restarted = await createStorage({ driver: 'pglite', dataDir: join(dir, 'db') })
      await restarted.ping()
      await restarted.close()
    }
    finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 90_000)

  it('makes a new data directory outside the process, whole or not at all, and never over other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'yibao-initdb-'))
    try {
      const db = join(dir, 'db')
      await mkdir(db)
      // What a crash part-way through an earlier initdb left: the staging directory, never the database.
      await mkdir(`${db}.initdb-1`)
      await writeFile(join(`${db}.initdb-1`, 'PG_VERSION'), 'half')
      await initPgliteDataDir(db)
      expect((await readFile(join(db, 'PG_VERSION'), 'utf8')).trim()).toMatch(/^\d+$/)
      expect(await readdir(dir)).toEqual(['db'])
      const opened = await createStorage({ driver: 'pglite', dataDir: db })
      const event = { actorType: 'system', actorId: 's', subjectRef: 'new', channel: 'self', action: 'x' } as const
      await recordAudit(opened.db, { ...event, success: true })
      expect((await listAuditForSubject(opened.db, 'new')).map(e => e.action)).toEqual(['x'])
      await opened.close()

      const other = join(dir, 'other')
      await mkdir(other)
      await writeFile(join(other, 'notes.txt'), 'not a database')
      await expect(createStorage({ driver: 'pglite', dataDir: other }))
        .rejects.toThrow(/not empty and holds no database/)
      expect(await readdir(other)).toEqual(['notes.txt'])
    }
    finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 90_000)

  it('says in one line why a new data directory could not be made, and leaves nothing half made', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'yibao-initdb-'))
    const before = process.env.NODE_OPTIONS
    try {
      const db = join(dir, 'db')
      await mkdir(db)
      // The child node process cannot start (as on a machine out of memory or with a broken install).
      process.env.NODE_OPTIONS = `--require=${join(dir, 'missing.cjs')}`
      const made = initPgliteDataDir(db)
      await expect(made).rejects.toThrow(new RegExp(`^Could not create a new database in ${db}: initdb failed: Error: Cannot find module .*missing\\.cjs'\\. `))
      await expect(made).rejects.toThrow(/Check the free disk space and that this user may write to /)
      expect(await readdir(dir)).toEqual(['db'])
      expect(await readdir(db)).toEqual([])
    }
    finally {
      if (before === undefined) delete process.env.NODE_OPTIONS
      else process.env.NODE_OPTIONS = before
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps data across reopen and cannot be opened by a second process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'yibao-lock-'))
    try {
      const first = await createStorage({ driver: 'pglite', dataDir: join(dir, 'db') })
      await recordAudit(first.db, { actorType: 'system', actorId: 's', subjectRef: 'persisted', channel: 'self', action: 'kept', success: true })
      // Same process: the one shared instance, not a second PGlite on the same files.
      expect(await createStorage({ driver: 'pglite', dataDir: join(dir, 'db') })).toBe(first)

      const script = `import { createStorage } from ${JSON.stringify(resolve(import.meta.dirname, 'index.ts'))}
        createStorage({ driver: 'pglite', dataDir: ${JSON.stringify(join(dir, 'db'))}, lockWaitMs: 0 })
          .then(() => { console.log('opened'); process.exit(0) })
          .catch(e => { console.log(e.name + ': ' + e.message); process.exit(3) })`
      const tsx = resolve(import.meta.dirname, '../../node_modules/.bin/tsx')
      const result = await promisify(execFile)(tsx, ['--eval', script], { cwd: dir }).catch((e: { code: number, stdout: string }) => e)
      expect(result).toMatchObject({ code: 3 })
      expect((result as { stdout: string }).stdout).toContain('DataDirLockedError')

      await first.close()
      const reopened = await createStorage({ driver: 'pglite', dataDir: join(dir, 'db') })
      expect((await listAuditForSubject(reopened.db, 'persisted')).map(e => e.action)).toEqual(['kept'])
      await reopened.close()
    }
    finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('rate-limit counters', () => {
  it('count hits of one batch on the same counter in arrival order, across windows and subjects', async () => {
    const { hitRateLimits } = await import('./rate-limits')
    const t = new Date('2026-11-22T04:00:10Z')
    const later = new Date('2026-11-22T04:01:10Z')
    const first = await hitRateLimits(storage.db, [
      { bucket: 'b', subject: 's1', windowSeconds: 60, now: t },
      { bucket: 'b', subject: 's1', windowSeconds: 60, now: t },
      { bucket: 'b', subject: 's2', windowSeconds: 60, now: t },
      { bucket: 'b', subject: 's1', windowSeconds: 60, now: later },
    ])
    expect(first.map(r => r.count)).toEqual([1, 2, 1, 1])
    expect(first[0]!.resetAt.toISOString()).toBe('2026-11-22T04:01:00.000Z')
    const second = await hitRateLimits(storage.db, [{ bucket: 'b', subject: 's1', windowSeconds: 60, now: t }])
    expect(second[0]!.count).toBe(3)
  })
})
