// Entry-route budget: ≤ 90 KiB gzip JS and ≤ 40 KiB gzip CSS (what index.html loads before any lazy route).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { ROOT } from './lib.mjs'

const dist = join(ROOT, 'web/dist')
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map(m => m[1])
const size = ext => files.filter(f => f.endsWith(ext)).reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0) / 1024
const js = size('.js')
const css = size('.css')
const BUDGET = { js: 90, css: 40 }
console.log(`entry route: JS ${js.toFixed(1)} KiB gzip (budget ${BUDGET.js}), CSS ${css.toFixed(1)} KiB gzip (budget ${BUDGET.css}), ${files.length} files`)
if (js > BUDGET.js || css > BUDGET.css) {
  console.error('✗ the entry route is over budget: lazy-load the heavy parts')
  process.exit(1)
}

// The first screen of /login, /pay and /estimate evaluates no zod (Lighthouse's TBT, issue 14): their forms' checks
// load on first use (web/src/pages/{login/login-checks,pay/pay-checks,estimate/estimate-checks}.ts), and the policies
// and calendars are checked by tests, not parsed at load. The chunks each page imports statically, followed
// through, hold none of it.
const read = f => readFileSync(join(dist, 'assets', f), 'utf8')
function staticGraph(file, seen = new Set()) {
  if (seen.has(file)) return seen
  seen.add(file)
  for (const [, next] of read(file).matchAll(/\b(?:from|import)\s*"\.\/([^"]+\.js)"/g)) staticGraph(next, seen)
  return seen
}
for (const [path, page] of [['/login', 'LoginPage'], ['/pay', 'PayPage'], ['/estimate', 'EstimatePage']]) {
  const chunk = readdirSync(join(dist, 'assets')).find(f => new RegExp(`^${page}-[\\w-]+\\.js$`).test(f))
  const graph = chunk ? [...staticGraph(chunk)] : []
  const withZod = graph.filter(f => read(f).includes('$ZodType'))
  if (!chunk || withZod.length > 0) {
    console.error(chunk ? `✗ ${path} loads zod at start: ${withZod.join(', ')}` : `✗ no ${page} chunk in the build`)
    process.exit(1)
  }
  console.log(`${path} at start: ${graph.length} chunks, no zod`)
}

// Nothing the app loads may come from another origin (the CSP blocks it and the console logs an error):
// e.g. Vant's icon-font fallback on at.alicdn.com, which web/vite.config.ts drops (the font is self-hosted).
const foreign = readdirSync(join(dist, 'assets')).filter(f => /\.(?:css|js)$/.test(f))
  .filter(f => /url\(\s*["']?(?:https?:)?\/\//.test(readFileSync(join(dist, 'assets', f), 'utf8')))
if (foreign.length > 0) {
  console.error(`✗ built files load from another origin: ${foreign.join(', ')}`)
  process.exit(1)
}

// Every text file of some size has brotli and gzip copies that unpack to it (web/vite.config.ts), which the BFF
// sends by Accept-Encoding (server/src/lib/web-static.ts). Smaller ones may lack them (a copy no smaller is not
// written). Not one may be stale: a copy is checked against the file it stands for.
const texts = ['index.html', ...readdirSync(join(dist, 'assets')).map(f => `assets/${f}`)]
  .filter(f => /\.(?:js|css|html|svg|json)$/.test(f))
const uncompressed = texts.filter((f) => {
  const plain = readFileSync(join(dist, f))
  if (plain.length < 1024) return false
  const matches = (ext, unpack) => existsSync(join(dist, f + ext)) && unpack(readFileSync(join(dist, f + ext))).equals(plain)
  return !matches('.br', brotliDecompressSync) || !matches('.gz', gunzipSync)
})
if (uncompressed.length > 0) {
  console.error(`✗ text files without a matching .br and .gz copy: ${uncompressed.join(', ')}`)
  process.exit(1)
}
console.log(`precompressed: ${texts.length} text files, each of 1 KiB or more with .br and .gz copies`)
