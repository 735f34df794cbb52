import { serve } from '@hono/node-server'
import { createSandbox } from './app'
import { generateSeed } from './seed/generate'
import { loadWechatPayKeys } from './wechatpay/keys'

// Standalone bureau sandbox. The only file that reads process.env.
const port = Number(process.env.SANDBOX_PORT ?? 8788)
// WeChat Pay keys shared with a BFF started with SANDBOX=external: the directory written by the BFF's
// `writeWechatPayKeyFiles(keys, dir)`. Without it the simulator makes up keys no BFF knows.
const keysDir = process.env.SANDBOX_WXPAY_KEYS_DIR
// More random households per county (e.g. for benchmarks that need many distinct people who owe a premium).
const extraHouseholds = Number(process.env.SANDBOX_EXTRA_HOUSEHOLDS ?? 0)
const { app } = createSandbox({
  ...(keysDir && { wechatpay: loadWechatPayKeys(keysDir) }),
  ...(extraHouseholds > 0 && { dataset: generateSeed({ extraHouseholds }) }),
})

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`bureau sandbox listening on http://127.0.0.1:${info.port}`)
  console.log(`  national platform: POST http://127.0.0.1:${info.port}/fsi/api/rsfComIfsService/callService`)
  console.log(`  residents:         GET  http://127.0.0.1:${info.port}/__sandbox/residents`)
})
