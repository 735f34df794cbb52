import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { findOrderBy } from '../storage/payments'
import { TestBrowser } from '../testing/auth'
import { TEST_YEAR } from '../testing/clock'
import { json, waitFor } from '../testing/http'
import { usePaymentStack } from '../testing/payment-stack'

// WeChat Pay H5 (a phone browser other than WeChat) end to end: the BFF against the WeChat Pay simulator, the
// payer's browser played by fetch on the simulator's cashier page, the callback over loopback HTTP.
const { ctx, payablePerson } = usePaymentStack()
const YEAR = TEST_YEAR
const H5 = { year: YEAR, channel: 'h5', people: [{ kind: 'self' }] }

async function signedIn(app = ctx.stack.app, origin?: string) {
  const person = await payablePerson(YEAR)
  const browser = new TestBrowser(app, origin)
  await browser.signInDirect(ctx.stack.deps, person)
  return { browser, person }
}

function order(browser: TestBrowser, key: string, body: unknown = H5, headers: Record<string, string> = {}) {
  const init = { method: 'POST', json: body, headers: { 'idempotency-key': key, ...headers } }
  return browser.request('/api/v1/payments/orders', init)
}

/** The simulator's own view of an order (what WeChat Pay was told). */
async function simulated(outTradeNo: string) {
  return ctx.stack.control(`/orders/${outTradeNo}`)
}

/** The order page an H5 payer comes back to. */
function backTo(origin: string, id: string): string {
  return `${origin}/pay/orders/${id}?from=h5`
}

/** The payer's browser: opens the h5 address from our page (our origin as the Referer), then taps a button. */
async function cashier(h5Url: string, action: 'pay' | 'cancel', referer = 'http://localhost/') {
  const page = await fetch(h5Url, { headers: { Referer: referer } })
  expect(page.status).toBe(200)
  const html = await page.text()
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!.replaceAll('&amp;', '&')
  const form = new URLSearchParams({
    prepay_id: field('prepay_id'),
    package: field('package'),
    redirect_url: field('redirect_url'),
    action,
  })
  const res = await fetch(new URL('/__sandbox/wechatpay/h5', h5Url), {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  })
  expect(res.status).toBe(302)
  return res.headers.get('Location')
}

describe('WeChat Pay H5 (pay from any phone browser)', () => {
  it('an H5 order answers h5Url: the simulator\'s h5_url plus redirect_url to the order page; the payer\'s real IP '
    + 'goes to WeChat Pay', async () => {
    const { app } = await ctx.stack.another({ env: { TRUST_PROXY: 'true' } })
    const { browser } = await signedIn(app)
    const res = await order(browser, randomUUID(), H5, { 'x-forwarded-for': '203.0.113.9, 198.51.100.23' })
    expect(res.status).toBe(201)
    const created = await json(res)
    expect(created).toMatchObject({ status: 'prepaid', channel: 'h5', codeUrl: null, jsapi: null })
    const wire = await simulated(created.outTradeNo)
    expect(wire).toMatchObject({ trade_type: 'MWEB', trade_state: 'NOTPAY', payer_client_ip: '198.51.100.23' })
    const back = `http://localhost/pay/orders/${created.id}?from=h5`
    expect(created.h5Url).toBe(`${wire.h5_url}&redirect_url=${encodeURIComponent(back)}`)
    expect(new URL(created.h5Url).searchParams.get('redirect_url')).toBe(back)
    // The order as the order page reads it: no address to pay in it (only the creator gets one).
    const view = await json(await browser.request(`/api/v1/payments/orders/${created.id}`))
    expect(view).toMatchObject({ id: created.id, channel: 'h5', status: 'prepaid' })
    expect(view).not.toHaveProperty('h5Url')
  })

  it('comes back to PUBLIC_ORIGIN when it is set, not to the address the request was made to', async () => {
    const { app } = await ctx.stack.another({ env: { PUBLIC_ORIGIN: 'https://yibao.example.cn' } })
    // A proxy in front passes the request on to the BFF's own address; the page is on the public origin.
    const { browser } = await signedIn(app, 'http://10.0.0.5:8787')
    const created = await json(await order(browser, randomUUID(), H5, { origin: 'https://yibao.example.cn' }))
    expect(new URL(created.h5Url).searchParams.get('redirect_url'))
      .toBe(`https://yibao.example.cn/pay/orders/${created.id}?from=h5`)
  })

  it('replays the same Idempotency-Key as the same order with the same h5Url; WeChat Pay was asked once', async () => {
    const { browser } = await signedIn()
    const key = randomUUID()
    const first = await json(await order(browser, key))
    const replay = await order(browser, key)
    expect(replay.status).toBe(201)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(await json(replay)).toMatchObject({ id: first.id, outTradeNo: first.outTradeNo, h5Url: first.h5Url })
    const orders = (await ctx.stack.control('/orders')).orders as { out_trade_no: string }[]
    expect(orders.filter(o => o.out_trade_no === first.outTradeNo)).toHaveLength(1)
  })

  it('确认支付 on the simulator\'s cashier pays: back to the order page, the callback lands, the order reads paid',
    async () => {
      const { browser } = await signedIn()
      const created = await json(await order(browser, randomUUID()))
      expect(await cashier(created.h5Url, 'pay')).toBe(backTo('http://localhost', created.id))
      // The signed, encrypted TRANSACTION.SUCCESS reaches the notify route and is applied once.
      await waitFor('paid', () => findOrderBy(ctx.storage.db, 'id', created.id), o => o?.status === 'paid')
      const deliveries = (await ctx.stack.control(`/deliveries?out_trade_no=${created.outTradeNo}`))
        .deliveries as { kind: string, status: number }[]
      expect(deliveries).toContainEqual(expect.objectContaining({ kind: 'genuine', status: 204 }))
      const view = await json(await browser.request(`/api/v1/payments/orders/${created.id}`))
      expect(view).toMatchObject({ status: 'paid', lines: [{ status: 'paid' }] })
      // Paid: no new address to pay it again.
      const again = await browser.request(`/api/v1/payments/orders/${created.id}/h5-links`, { method: 'POST' })
      expect(again.status).toBe(409)
      expect(await json(again)).toMatchObject({ error: { code: 'ORDER_NOT_PAYABLE' } })
    })

  it('取消 leaves it unpaid; 重新支付 gives a current h5Url (a new one after 5 minutes) whose outcome is asked at '
    + 'once; 取消订单 closes it', async () => {
    // No callback: the page must learn the outcome by asking WeChat Pay.
    await ctx.stack.control('/config', { callbacks: 'drop' }, 'PUT')
    try {
      const { browser } = await signedIn()
      const created = await json(await order(browser, randomUUID()))
      expect(await cashier(created.h5Url, 'cancel')).toBe(backTo('http://localhost', created.id))
      const back = await json(await browser.request(`/api/v1/payments/orders/${created.id}`))
      expect(back).toMatchObject({ status: 'prepaid', paidAt: null, lines: [{ status: 'pending' }] })
      expect(await simulated(created.outTradeNo)).toMatchObject({ trade_state: 'NOTPAY' })

      const link = () => browser.request(`/api/v1/payments/orders/${created.id}/h5-links`, { method: 'POST' })
      const same = await json(await link())
      expect(same)
        .toMatchObject({ id: created.id, status: 'prepaid', channel: 'h5', jsapi: null, h5Url: created.h5Url })
      const start = ctx.stack.clock.now().getTime()
      ctx.stack.clock.set(new Date(start + 5 * 60_000 + 1000))
      const renewed = await link()
      expect(renewed.status).toBe(201)
      const fresh = await json(renewed)
      expect(fresh.h5Url).not.toBe(created.h5Url)
      expect(new URL(fresh.h5Url).searchParams.get('redirect_url')).toBe(backTo('http://localhost', created.id))
      expect((await fetch(created.h5Url, { headers: { Referer: 'http://localhost/' } })).status).toBe(410)

      // The order page read it a moment ago (WeChat Pay is asked at most every 20 s per order); 重新支付 again,
      // paid, no callback: the page's next read still asks WeChat Pay (the renewal released that lease).
      const read = async () => json(await browser.request(`/api/v1/payments/orders/${created.id}`))
      expect(await read()).toMatchObject({ status: 'prepaid' })
      expect(await json(await link())).toMatchObject({ h5Url: fresh.h5Url })
      expect(await cashier(fresh.h5Url, 'pay')).toBe(backTo('http://localhost', created.id))
      expect(await read()).toMatchObject({ status: 'paid' })

      // Another order, left unpaid and closed: no address any more.
      const other = await signedIn()
      const open = await json(await order(other.browser, randomUUID()))
      const closed = await other.browser.request(`/api/v1/payments/orders/${open.id}/close`, { method: 'POST' })
      expect(await json(closed)).toMatchObject({ status: 'closed' })
      expect(await simulated(open.outTradeNo)).toMatchObject({ trade_state: 'CLOSED' })
      const gone = await other.browser.request(`/api/v1/payments/orders/${open.id}/h5-links`, { method: 'POST' })
      expect(gone.status).toBe(409)
      ctx.stack.clock.set(new Date(start))
    }
    finally {
      await ctx.stack.control('/config', { callbacks: 'deliver' }, 'PUT')
    }
  })

  it('a new h5Url only for one\'s own H5 order: another resident\'s is 404, a Native order has none (404)',
    async () => {
      const { browser } = await signedIn()
      const created = await json(await order(browser, randomUUID()))
      const { browser: stranger } = await signedIn()
      const path = `/api/v1/payments/orders/${created.id}/h5-links`
      expect((await stranger.request(path, { method: 'POST' })).status).toBe(404)
      const native = await json(await order(stranger, randomUUID(), { ...H5, channel: 'native' }))
      expect(native.h5Url).toBeNull()
      const none = await stranger.request(`/api/v1/payments/orders/${native.id}/h5-links`, { method: 'POST' })
      expect(none.status).toBe(404)
      expect((await new TestBrowser(ctx.stack.app).request(path, { method: 'POST' })).status).toBe(401)
    })
})
