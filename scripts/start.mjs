// `npm start` / `pnpm start`: install if needed, build the web app, start BFF + embedded bureau sandbox.
import process from 'node:process'
import { bin, ensureInstalled, pnpm, ROOT, spawnChild } from './lib.mjs'

ensureInstalled()
pnpm('building the web app', ['--filter', '@yibao/web', 'build'])
const child = spawnChild(bin('tsx'), ['server/src/main.ts'], {
  env: { WEB_DIST_DIR: process.env.WEB_DIST_DIR ?? `${ROOT}/web/dist` },
})
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', code => process.exit(code ?? 0))
