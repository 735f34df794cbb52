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
  ],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
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
