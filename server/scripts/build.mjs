// The BFF as one JavaScript file for plain `node` (no tsx at run time): `node server/dist/main.mjs`.
// Our workspace packages (@yibao/shared, and @yibao/sandbox for SANDBOX=embedded) are TypeScript and go into the
// bundle; the server's own npm dependencies stay external and load from server/node_modules as they are (PGlite
// finds its wasm and data files beside its own module, pdfkit its font metrics, swagger-ui-dist its files). A
// package only a workspace package depends on (shared's @vant/area-data) is not in server/node_modules under pnpm,
// so it goes into the bundle too. The SQL migrations are
// copied beside the bundle: storage/index.ts reads them from `migrations/` next to the running module.
import { cpSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const SERVER = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// `--outdir NAME` builds into server/NAME instead (the bench's own copy, so a build during a bench run does not
// pull the BFF from under it); it stays inside server/ so the npm packages resolve from server/node_modules.
const outArg = process.argv.indexOf('--outdir')
const OUT_NAME = outArg > 0 ? process.argv[outArg + 1] : 'dist'
if (!OUT_NAME || !/^[\w-]+$/.test(OUT_NAME)) throw new Error('--outdir takes a folder name inside server/')
const OUT = join(SERVER, OUT_NAME)

const manifest = JSON.parse(readFileSync(join(SERVER, 'package.json'), 'utf8'))
const serverPackages = new Set(Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }))
/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = path => path.split('/').slice(0, path.startsWith('@') ? 2 : 1).join('/')

/** Node built-ins and the server's own npm dependencies are left to Node's resolution at run time. */
const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = packageOf(args.path)
      const external = args.path.startsWith('node:') || (!name.startsWith('@yibao/') && serverPackages.has(name))
      return external ? { path: args.path, external: true } : undefined
    })
  },
}

const started = performance.now()
rmSync(OUT, { recursive: true, force: true })
await build({
  // The PDF worker threads (lib/pdf-pool.ts) load `pdf-worker.mjs` from beside `main.mjs`.
  entryPoints: { 'main': join(SERVER, 'src/main.ts'), 'pdf-worker': join(SERVER, 'src/lib/pdf-worker.ts') },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  tsconfig: join(SERVER, 'tsconfig.json'),
  plugins: [externalNpmPackages],
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
})
cpSync(join(SERVER, 'src/storage/migrations'), join(OUT, 'migrations'), { recursive: true })
const ms = Math.round(performance.now() - started)
process.stdout.write(`server bundle: ${join('server', OUT_NAME, 'main.mjs')} (${ms} ms)\n`)
