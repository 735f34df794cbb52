// `pnpm test:storage:pg`: the server's storage and route tests on a real PostgreSQL server
// (TEST_DATABASE_URL, default the local cluster's `test` database), as `pnpm test` runs them.
import process from 'node:process'
import { bin, ensureInstalled, run } from './lib.mjs'

ensureInstalled()
const env = { TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' }
process.exit(run(bin('vitest'), ['run', '--project', 'server', ...process.argv.slice(2)], { env }))
