// Premium payments end to end: the BFF and the external sandbox (WeChat Pay simulator + tax bureau) in
// their own processes, sharing one generated merchant's keys through files.
import type { LoadResult } from './load'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { generateSandboxWechatPayKeys, writeWechatPayKeyFiles } from '@yibao/server/wechatpay-keys'
import { defaultPaymentYear } from '@yibao/shared'
import { table } from './load'
import { record } from './goals'
import { startBff, startSandbox, withServers } from './processes'
import { signInResident } from './sign-in'

/** Orders per run (and as many callbacks). */
const ORDERS = Number(process.env.BENCH_PAY_ORDERS ?? 300)
const WARM_UP = 20

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] ?? 0
}

/** Runs `fn(0…n-1)` with at most `concurrency` in flight. */
async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = Array.from({ length: n })
  let next = 0
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      const i = next++
      out[i] = await fn(i)
    }
  }))
  return out
}

interface Delivery { outTradeNo: string, kind: string, status: number | string, at: string }

/**
 * Orders created per second (`POST /api/v1/payments/orders`, each with its own Idempotency-Key and its
 * own person: session, key claim, the bureau's 1101 check of the person, the person-year checks, the tax
 * bureau's quote, order rows, a signed Native prepay at the simulator and its verified answer), then callbacks processed per second: every order is paid through the simulator's control
 * (`POST /__sandbox/wechatpay/orders/:no/pay`), which sends the signed, encrypted TRANSACTION.SUCCESS
 * callback; a callback counts once the BFF answered 204 (verified, decrypted, order marked paid with its
 * receipts). Latency of a callback: from the pay call to the BFF's answer, as the simulator recorded it;
 * `connections` payments are in flight at a time.
 */
export async function paymentFigures(opts: { connections: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-bench-wxpay-'))
  try {
    return await withServers(async (start) => {
      const keys = generateSandboxWechatPayKeys({ mchid: '1900000109', appid: 'wx0000000000sandbox' })
      const wxpayEnv = writeWechatPayKeyFiles(keys, dir)
      const sandbox = await start(startSandbox({ SANDBOX_WXPAY_KEYS_DIR: dir, SANDBOX_EXTRA_HOUSEHOLDS: '150' }))
      const bff = await start(startBff(sandbox.url, { ...wxpayEnv, TRUST_PROXY: 'true' }))
      const json = { 'content-type': 'application/json' }

      // One person-year may be on one live order only: every order pays for a different Dongying resident
      // whose coming year's premium is still due (the tax stand-in decides), by name + ID (代缴), so the
      // sandbox serves extra households (SANDBOX_EXTRA_HOUSEHOLDS). The payer is the first of them.
      const year = defaultPaymentYear(new Date())
      const { residents } = await (await fetch(`${sandbox.url}/__sandbox/residents?region=370500`)).json() as { residents: { name: string, certNo: string, deathDate: string | null }[] }
      const payable: { name: string, certNo: string }[] = []
      for (const r of residents) {
        if (r.deathDate) continue
        const quote = await (await fetch(`${sandbox.url}/tax/api/premium/quote`, { method: 'POST', headers: json, body: JSON.stringify({ sfzjlx: '201', sfzjhm: r.certNo, jfnd: year }) })).json() as { jfxx?: { kjbz: string } }
        if (quote.jfxx?.kjbz === '1') payable.push({ name: r.name, certNo: r.certNo })
        if (payable.length > ORDERS + WARM_UP) break
      }
      if (payable.length <= ORDERS + WARM_UP) throw new Error(`only ${payable.length} seeded Dongying residents owe a ${year} premium now`)
      const person = payable.shift()!
      const cookie = await signInResident(bff.url, sandbox.url, person)
      const { csrfToken } = await (await fetch(`${bff.url}/api/v1/session`, { headers: { cookie } })).json() as { csrfToken: string }
      let n = 0
      const createOrder = async () => {
      // A new client address every 100 orders (TRUST_PROXY is on): per-IP limits never decide the figure.
        const i = Math.floor(n++ / 100)
        const res = await fetch(`${bff.url}/api/v1/payments/orders`, {
          method: 'POST',
          headers: { ...json, cookie, 'x-csrf-token': csrfToken, 'idempotency-key': randomUUID(), 'x-forwarded-for': `10.9.${(i >> 8) & 255}.${i & 255}` },
          body: JSON.stringify({ year, channel: 'native', people: [{ kind: 'other', ...payable.shift()! }] }),
        })
        const body = await res.json() as { id: string, outTradeNo: string, status: string }
        if (res.status !== 201 || body.status !== 'prepaid') throw new Error(`order: HTTP ${res.status} ${JSON.stringify(body)}`)
        return body
      }

      // Warm-up (JIT, pools, the first signatures), not counted.
      await pool(WARM_UP, opts.connections, createOrder)

      const latencies: number[] = []
      let errors = 0
      const t0 = performance.now()
      const orders = (await pool(ORDERS, opts.connections, async () => {
        const s = performance.now()
        try {
          const o = await createOrder()
          latencies.push(performance.now() - s)
          return o
        }
        catch {
          errors++
          return null
        }
      })).filter(o => o !== null)
      const createS = (performance.now() - t0) / 1000
      const created: LoadResult = { label: 'POST /api/v1/payments/orders (→ 201 prepaid, Native)', rps: orders.length / createS, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, non2xx: 0 }

      // Callbacks, the same number in flight: each worker pays an order at the simulator (which calls the BFF
      // back at once) and waits until the BFF has answered that callback before paying the next one.
      const callbackLatencies: number[] = []
      let refused = 0
      let lastAt = 0
      const c0 = Date.now()
      await pool(orders.length, opts.connections, async (i) => {
        const no = orders[i]!.outTradeNo
        const s = Date.now()
        const res = await fetch(`${sandbox.url}/__sandbox/wechatpay/orders/${no}/pay`, { method: 'POST', headers: json, body: '{}' })
        if (!res.ok) throw new Error(`pay ${no}: HTTP ${res.status}`)
        await res.arrayBuffer()
        while (Date.now() - s < 15_000) {
          const { deliveries } = await (await fetch(`${sandbox.url}/__sandbox/wechatpay/deliveries?out_trade_no=${no}`)).json() as { deliveries: Delivery[] }
          const genuine = deliveries.filter(d => d.kind === 'genuine')
          const ok = genuine.find(d => d.status === 204 || d.status === 200)
          if (ok) {
            const at = Date.parse(ok.at)
            callbackLatencies.push(at - s)
            lastAt = Math.max(lastAt, at)
            refused += genuine.length - 1
            return
          }
          await new Promise(r => setTimeout(r, 5))
        }
      })
      const callbacks: LoadResult = { label: 'callbacks: pay → signed callback → BFF 204 (paid)', rps: callbackLatencies.length / ((lastAt - c0) / 1000), p50: percentile(callbackLatencies, 50), p99: percentile(callbackLatencies, 99), errors: orders.length - callbackLatencies.length, non2xx: refused }

      // Every order is paid in the BFF (a paid order is read without asking WeChat Pay again).
      const statuses = await pool(orders.length, opts.connections, async (i) => {
        const res = await fetch(`${bff.url}/api/v1/payments/orders/${orders[i]!.id}`, { headers: { cookie } })
        return (await res.json() as { status: string }).status
      })
      const paid = statuses.filter(s => s === 'paid').length

      console.log(`\n## Premium payments (BFF + external sandbox in separate processes; ${ORDERS} orders, ${opts.connections} in flight)\n`)
      console.log(table([created, callbacks]))
      console.log(`\norders created end to end: ${created.rps.toFixed(0)}/s, p99 ${created.p99.toFixed(1)} ms (p50 ${created.p50.toFixed(1)} ms, ${errors} failed)`)
      console.log(`callbacks processed: ${callbacks.rps.toFixed(0)}/s, p99 ${callbacks.p99.toFixed(0)} ms from the pay call to the BFF's 204 as the simulator recorded it (ms resolution; ${refused} refused deliveries); ${paid}/${orders.length} orders read back as paid`)
      record('orders.rps', created.rps)
      record('orders.p99', created.p99)
      record('callbacks.rps', callbacks.rps)
      record('callbacks.p99', callbacks.p99)
      // The BFF's memory once it has taken every order and callback of this section.
      const rss = bff.rssMiB()
      record('rss.afterLoad', rss)
      console.log(`BFF resident memory after this load: ${rss.toFixed(0)} MiB`)
      return created
    })
  }
  finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
