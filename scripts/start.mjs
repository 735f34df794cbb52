// `npm start` / `pnpm start`, first step: install if needed, then build the web app and the BFF (one JavaScript
// file, server/dist/main.mjs). It starts nothing and exits: package.json's "start" then `exec`s
// `node server/dist/main.mjs` in place of its shell, so the app runs as one plain `node` process (no tsx, no
// launcher in between) under the package manager that was asked to start it.
import { join } from 'node:path'
import process from 'node:process'
import { ensureInstalled, pnpm, ROOT, runOrExit } from './lib.mjs'

ensureInstalled()
pnpm('building the web app', ['--filter', '@yibao/web', 'build'])
runOrExit('building the BFF (server/dist/main.mjs)', process.execPath, [join(ROOT, 'server/scripts/build.mjs')])
