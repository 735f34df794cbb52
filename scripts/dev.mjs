// `pnpm dev`: the BFF (with the embedded sandbox, restarted on change) and Vite with HMR.
import process from 'node:process'
import { bin, ensureInstalled, ROOT, spawnChild } from './lib.mjs'

ensureInstalled()
const children = [
  spawnChild(bin('tsx'), ['watch', 'server/src/main.ts']),
  spawnChild(`${ROOT}/web/node_modules/.bin/vite`, [], { cwd: `${ROOT}/web` }),
]
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => children.forEach(c => c.kill(sig)))
for (const c of children) c.on('exit', (code) => { children.forEach(o => o.kill('SIGTERM')); process.exit(code ?? 0) })
