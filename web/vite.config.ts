import { fileURLToPath } from 'node:url'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import type { Plugin } from 'vite'
import { defineConfig } from 'vite'
import { compression, defineAlgorithm } from 'vite-plugin-compression2'

const BFF = `http://127.0.0.1:${process.env.PORT ?? 8787}`

/**
 * Vant's icon font, self-hosted: Vant ships it as a base64 woff2 inside its CSS with a fallback on a CDN
 * (at.alicdn.com) that the CSP blocks, logging an error on every page. In a build the woff2 becomes its own
 * hashed file (out of the render-blocking CSS, cached immutably) and the CDN fallback is dropped.
 */
function selfHostedVantIcons(): Plugin {
  const FONT = /url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\)/
  const CDN = /,\s*url\(\/\/at\.alicdn\.com[^)]*\)\s*format\("woff"\)/g
  let build = false
  return {
    name: 'yibao:self-hosted-vant-icons',
    enforce: 'pre',
    configResolved(config) { build = config.command === 'build' },
    transform(code, id) {
      if (!id.includes('/vant/') || !id.endsWith('.css') || !code.includes('vant-icon')) return null
      let out = code.replace(CDN, '')
      const font = FONT.exec(out)
      if (build && font) {
        const ref = this.emitFile({ type: 'asset', name: 'vant-icon.woff2', source: Buffer.from(font[1]!, 'base64') })
        out = out.replace(FONT, `url(__VITE_ASSET__${ref}__)`)
      }
      return { code: out, map: null }
    },
  }
}

/**
 * Chunks a page fetches when the phone is idle, without running them (issue 14: running zod at idle was /estimate's
 * blocking time). For each name, the build lists the chunk of the module ending in its path, and every chunk that
 * one imports, in `<meta name="yibao:idle-preload:NAME">`; `preloadModules(NAME)` (src/idle.ts) turns them into
 * `<link rel="modulepreload">`. The modules are then in the page's module map: `import()` later needs no network.
 */
function idlePreloadList(modules: Record<string, string>): Plugin {
  let base = '/'
  return {
    name: 'yibao:idle-preload-list',
    apply: 'build',
    configResolved(config) { base = config.base },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        if (!bundle) return []
        const chunks = Object.values(bundle).filter(c => c.type === 'chunk')
        return Object.entries(modules).map(([name, path]) => {
          const top = chunks.find(c => c.facadeModuleId?.endsWith(path))
          if (!top) throw new Error(`idle preload ${name}: no chunk for ${path}`)
          const files = new Set<string>()
          const add = (file: string) => {
            if (files.has(file)) return
            files.add(file)
            const chunk = bundle[file]
            if (chunk?.type === 'chunk') chunk.imports.forEach(add)
          }
          add(top.fileName)
          const content = [...files].map(f => base + f).join(' ')
          return { tag: 'meta', attrs: { name: `yibao:idle-preload:${name}`, content }, injectTo: 'head' as const }
        })
      },
    },
  }
}

export default defineConfig({
  plugins: [
    selfHostedVantIcons(),
    idlePreloadList({ 'estimate-checks': '/src/pages/estimate/estimate-checks.ts' }),
    vue(),
    // Vant on demand: only the components a page uses, with their CSS.
    Components({ resolvers: [VantResolver()], dts: false }),
    // Locale JSON is compiled to vue-i18n message ASTs at build time, so the browser gets no
    // message compiler (dropMessageCompiler sets __INTLIFY_DROP_MESSAGE_COMPILER__; with vue-i18n 11
    // the runtime-only alias alone no longer drops it). Every message must therefore come from a file
    // under src/locales: a plain string handed to vue-i18n at runtime would be shown uncompiled.
    // The plugin also defines __VUE_I18N_LEGACY_API__ (= !compositionOnly) and
    // __VUE_I18N_FULL_INSTALL__ (= fullInstall), overriding `define` below, so they are set here.
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/locales/**', import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
      strictMessage: true,
    }),
    // Precompressed copies beside each text file (app.js → app.js.br, app.js.gz), made once here at the
    // highest levels so the BFF serves them without compressing per request (server/src/lib/web-static.ts).
    // woff2 and images are compressed already; a copy no smaller than its file is not written.
    compression({
      include: /\.(?:js|mjs|css|html|svg|json)$/,
      algorithms: [defineAlgorithm('brotliCompress'), defineAlgorithm('gzip')],
    }),
  ],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    proxy: { '/api': BFF, '/healthz': BFF, '/readyz': BFF },
  },
  optimizeDeps: {
    include: ['vant', 'vant/es/**/style/index'],
  },
  build: {
    target: 'es2020',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 300,
  },
})
