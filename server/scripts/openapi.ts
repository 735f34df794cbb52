// `pnpm openapi [file]`: writes the BFF's OpenAPI 3.1 document (default test-results/openapi.json) for linting
// (`redocly lint`, run by `pnpm test`) or for anyone who wants the contract without starting the BFF.
import type { AppDeps } from '../src/app'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import process from 'node:process'
import { createApp } from '../src/app'
import { parseEnv } from '../src/env'
import { openApiDocument } from '../src/lib/openapi'

// The document is read from the routes alone: the app is built, never started, so it needs only its env.
const app = createApp({ env: parseEnv({ NODE_ENV: 'test', SANDBOX: 'embedded' }) } as AppDeps)
const out = resolve(process.argv[2] ?? 'test-results/openapi.json')
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, `${JSON.stringify(await openApiDocument(app), null, 2)}\n`)
console.log(`OpenAPI document written to ${out}`)
