import { fileURLToPath } from 'node:url'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vite'

const BFF = `http://127.0.0.1:${process.env.PORT ?? 8787}`

export default defineConfig({
  plugins: [
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
