// `pnpm bench`: performance figures (never pass/fail). See test/bench/.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { bin, ensureInstalled, pnpm, ROOT, run } from './lib.mjs'

ensureInstalled()
// The BFF runs as it does in production: one compiled file under plain `node` (its own copy, server/dist-bench).
const built = run(process.execPath, ['server/scripts/build.mjs', '--outdir', 'dist-bench'])
if (built !== 0) process.exit(built)
// The Lighthouse section loads the built app; build it once when it is not there.
const args = process.argv.slice(2)
const sections = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '--json')
const lighthouse = sections.length === 0 || sections.includes('lighthouse')
if (lighthouse && !existsSync(join(ROOT, 'web/dist/index.html'))) pnpm('web build', ['--filter', '@yibao/web', 'build'])
process.exit(run(bin('tsx'), ['test/bench/index.ts', ...process.argv.slice(2)]))
