// `pnpm bench`: performance figures (never pass/fail). See test/bench/.
import process from 'node:process'
import { bin, ensureInstalled, run } from './lib.mjs'

ensureInstalled()
process.exit(run(bin('tsx'), ['test/bench/index.ts', ...process.argv.slice(2)]))
