import type { AddressInfo } from 'node:net'
import type { Env } from './env'
import type { Logger } from './lib/logger'
import type { Storage } from './storage/types'
import process from 'node:process'
import { serve } from '@hono/node-server'
import { createApp } from './app'
import { createDeps, upstreamUrls } from './deps'
import { loadEnv } from './env'
import { offsetClock } from './lib/clock'
import { createLogger } from './lib/logger'
import { startMaintenance } from './lib/maintenance'
import { observeStatement } from './lib/metrics'
import { seedDemoStaff } from './lib/staff-admin'
import { webHandler } from './lib/web-static'
import { startPaymentWorker } from './payments/worker'
import { createStorage, DataDirLockedError } from './storage'
import { generateSandboxWechatPayKeys, resolveWechatPayKeys, sandboxWechatPayIdentity } from './upstream/wechatpay/keys'

async function openStorage(env: Env, logger: Logger): Promise<Storage> {
  // The order events' LISTEN connection retries on its own; each failed attempt is worth a warning.
  const onListenError = (error: unknown, attempt: number) =>
    logger.warn({ err: error, attempt }, 'order events: LISTEN connection failed, retrying')
  return env.DATABASE_URL
    ? createStorage({ driver: 'postgres', url: env.DATABASE_URL, onListenError, observeStatement })
    : createStorage({ driver: 'pglite', dataDir: env.DATA_DIR, observeStatement })
}

async function main() {
  const env = loadEnv()
  const logger = createLogger(env.LOG_LEVEL)
  // SANDBOX_CLOCK (sandbox modes only): the BFF and the embedded sandbox share a clock set to that day.
  const now = env.SANDBOX_CLOCK ? offsetClock(env.SANDBOX_CLOCK) : undefined
  if (env.SANDBOX_CLOCK) logger.warn({ sandboxClock: env.SANDBOX_CLOCK.toISOString() }, 'clock set by SANDBOX_CLOCK')
  let sandboxBase: string | undefined
  let sandboxServer: ReturnType<typeof serve> | undefined
  // WeChat Pay keys: generated once and shared with the embedded sandbox; otherwise the WXPAY_* files.
  const embeddedWechatpayKeys = env.SANDBOX === 'embedded' ? generateSandboxWechatPayKeys(sandboxWechatPayIdentity(env)) : undefined
  const wechatpayKeys = embeddedWechatpayKeys ?? resolveWechatPayKeys(env, logger)

  if (env.SANDBOX === 'embedded') {
    // The bureau sandbox stands in for every bureau system, over real HTTP on its own port.
    const sandbox = await import('@yibao/sandbox')
    // On SANDBOX_CLOCK its `POST /__sandbox/clock/advance` moves the shared clock forward (journeys: T+1 对账).
    const advanceClock = now && ((ms: number) => {
      const at = now.advance(ms)
      logger.warn({ sandboxClock: at.toISOString(), advancedMs: ms }, 'clock advanced by the sandbox control')
    })
    const { app: sandboxApp } = sandbox.createSandbox({ wechatpay: embeddedWechatpayKeys, now, advanceClock })
    sandboxServer = serve({ fetch: sandboxApp.fetch, port: env.SANDBOX_PORT, hostname: '127.0.0.1' })
    await new Promise(r => sandboxServer!.once('listening', r))
    const port = (sandboxServer.address() as AddressInfo).port
    sandboxBase = `http://127.0.0.1:${port}`
    logger.info({ url: `http://127.0.0.1:${port}` }, 'bureau sandbox listening')
  }

  let storage: Storage
  try {
    storage = await openStorage(env, logger)
  }
  catch (error) {
    if (error instanceof DataDirLockedError) {
      logger.fatal(error.message)
      process.exit(1)
    }
    throw error
  }
  // env.ts lets real payments run on PGlite only when PGLITE_UNSAFE_NO_FSYNC=accept-data-loss: say so on every start.
  if (env.SANDBOX === 'off' && storage.driver === 'pglite')
    logger.warn({ dataDir: env.DATA_DIR }, 'real payments on PGlite, which never fsyncs: a crash can lose paid orders')

  if (env.SEED_DEMO_STAFF.length) {
    const created = await seedDemoStaff(storage.db, env)
    if (created.length) logger.warn({ usernames: created }, 'sandbox demo staff accounts created (SEED_DEMO_STAFF)')
  }

  const deps = createDeps(env, logger, storage, { urls: upstreamUrls(env, sandboxBase), wechatpayKeys, now })
  const app = createApp(deps, { web: env.WEB_DIST_DIR ? webHandler(env.WEB_DIST_DIR) : undefined })
  // Outbox worker: reports payments to the tax bureau, converges unknown outcomes, reconciles bills.
  const worker = startPaymentWorker(deps)
  // Housekeeping on the app's clock: ended rate-limit windows, stale staff sign-in counts.
  const maintenance = startMaintenance(deps)
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    const url = env.PUBLIC_ORIGIN ?? `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${info.port}`
    logger.info({ url, storage: storage.driver }, 'yibao BFF listening')
    if (process.stdout.isTTY || env.NODE_ENV !== 'test') console.log(`\n  医保自助 yibao 已启动: ${url}\n`)
  })

  let closing = false
  const shutdown = async (signal: string) => {
    worker.stop()
    maintenance.stop()
    if (closing) return
    closing = true
    logger.info({ signal }, 'shutting down')
    server.close()
    sandboxServer?.close()
    await deps.pdf.close().catch(error => logger.error({ err: error }, 'PDF threads close failed'))
    await storage.close().catch(error => logger.error({ err: error }, 'storage close failed'))
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

main().catch((error) => {
  console.error('yibao BFF failed to start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
