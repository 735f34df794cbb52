// `pnpm bench`: performance figures (never pass/fail). See test/bench/.
import process from 'node:process'
import { bin, ensureInstalled, run } from './lib.mjs'

ensureInstalled()
// The BFF runs as it does in production: one compiled file under plain `node` (its own copy, server/dist-bench).
const built = run(process.execPath, ['server/scripts/build.mjs', '--outdir', 'dist-bench'])
if (built !== 0) process.exit(built)
process.exit(run(bin('tsx'), ['test/bench/index.ts', ...process.argv.slice(2)]))
