import type { TestProject } from 'vitest/node'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { createStorage } from '../storage'

/** Builds one migrated PGlite database and shares its snapshot with every test file. */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgliteSnapshot', '')
    return
  }
  const dir = await mkdtemp(join(tmpdir(), 'yibao-pglite-'))
  const storage = await createStorage({ driver: 'pglite' })
  const client = (storage.db as unknown as { $client: { dumpDataDir: (c: 'none') => Promise<Blob> } }).$client
  const blob = await client.dumpDataDir('none')
  const file = join(dir, 'snapshot.tar')
  await writeFile(file, Buffer.from(await blob.arrayBuffer()))
  await storage.close()
  project.provide('pgliteSnapshot', file)
  return async () => { await rm(dir, { recursive: true, force: true }) }
}
