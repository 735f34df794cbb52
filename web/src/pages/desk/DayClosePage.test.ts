import type { ApiErrorBody, DayCloseList, DayPayment, DaySheet, SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n, loadDeskMessages } from '../../i18n'
import DayClosePage from './DayClosePage.vue'

const anonymous: SessionView = { authenticated: false, kind: null, csrfToken: null, resident: null, pending: null, staff: null, sandboxSmsInbox: null }
const clerk: SessionView = { ...anonymous, authenticated: true, kind: 'staff', csrfToken: 'csrf-staff', staff: { name: '王芳', role: 'clerk', regions: ['370500'] } }
const supervisor: SessionView = { ...clerk, staff: { name: '李主任', role: 'supervisor', regions: ['370500'] } }

const DAY = '2026-11-15'
const CLERK_ID = '9a8b7c6d-5e4f-4a3b-8c1d-0e9f8a7b6c5d'
const SUPERVISOR_ID = '0b7f3c52-8d5e-4b1a-9c1e-3f0d2a6b7c01'
const UUID = /^[0-9a-f-]{32,36}$/

function payment(over: Partial<DayPayment> = {}): DayPayment {
  return {
    orderId: '5d7c1e2a-0b3f-4c6d-8e9f-1a2b3c4d5e6f',
    outTradeNo: 'YB20261115100203ABCDEF',
    channel: 'native',
    status: 'paid',
    year: 2027,
    totalFen: 38000,
    payerName: '张**',
    payerCertNo: '370502********0420',
    createdAt: '2026-11-15T10:02:03.000+08:00',
    paidAt: '2026-11-15T10:03:10.000+08:00',
    anomaly: null,
    ...over,
  }
}
const qr = payment()
const codepay = payment({
  orderId: '6e8d2f3b-1c4a-4d7e-9f0a-2b3c4d5e6f70',
  outTradeNo: 'YB20261115143000QWERTY',
  channel: 'codepay',
  totalFen: 123456,
  payerName: '李*',
  payerCertNo: '370503********1234',
  createdAt: '2026-11-15T14:30:00.000+08:00',
  paidAt: '2026-11-15T14:30:05.000+08:00',
  anomaly: { id: 'a1', kind: 'duplicate_payment' },
})
const waiting = payment({
  orderId: '7f9e3a4c-2d5b-4e8f-8a1b-3c4d5e6f7a81',
  outTradeNo: 'YB20261115160000ZXCVBN',
  status: 'prepaid',
  paidAt: null,
  createdAt: '2026-11-15T16:00:00.000+08:00',
})

function sheet(over: Partial<DaySheet> = {}): DaySheet {
  return {
    date: DAY,
    staff: { id: CLERK_ID, displayName: '王芳' },
    status: 'open',
    payments: [qr, codepay, waiting],
    totals: { count: 2, totalFen: 161456, byChannel: { native: { count: 1, totalFen: 38000 }, codepay: { count: 1, totalFen: 123456 } } },
    closedAt: null,
    reopen: null,
    late: [],
    reconcile: null,
    ...over,
  }
}
const closed = (over: Partial<DaySheet> = {}) => sheet({ status: 'closed', closedAt: '2026-11-15T17:30:00.000+08:00', ...over })

function errorBody(code: ApiErrorBody['error']['code'], message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: { code, message, requestId: 'req-1', ...(fields && { fields }) } }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeAll(() => loadDeskMessages())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

let session: SessionView = clerk
const sessionHandler = () => http.get('*/api/v1/session', () => HttpResponse.json(session))

/** The GETs of the day sheet, as `date|staffId` ('' when absent). */
const asked: string[] = []
function sheetHandler(answer: (q: URLSearchParams) => DaySheet | Response) {
  return http.get('*/api/v1/desk/day-closes', ({ request }) => {
    const q = new URL(request.url).searchParams
    asked.push(`${q.get('date') ?? ''}|${q.get('staffId') ?? ''}`)
    const a = answer(q)
    return a instanceof Response ? a : HttpResponse.json(a)
  })
}

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/desk/day-close', component: DayClosePage },
      { path: '/desk/login', component: { render: () => h('p', 'login') } },
    ],
  })
  await router.push('/desk/day-close')
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('DayClosePage (日结)', () => {
  beforeEach(() => {
    session = clerk
    asked.length = 0
  })

  it('sends someone not signed in as staff to the staff sign-in, and back here after', async () => {
    session = anonymous
    server.use(sessionHandler())
    const { router, wrapper } = await mountPage()
    expect(router.currentRoute.value.fullPath).toBe('/desk/login?redirect=/desk/day-close')
    wrapper.unmount()
  })

  it('shows the clerk\'s day from the server: count, total, each payment masked with channel, status and open anomaly', async () => {
    server.use(sessionHandler(), sheetHandler(() => sheet()))
    const { wrapper } = await mountPage()
    // No date asked for: the server's today is the day, and the last one that can be picked.
    expect(asked).toEqual(['|'])
    expect(wrapper.findAll('h1').map(x => x.text())).toEqual(['日结'])
    const input = wrapper.get<HTMLInputElement>('[data-testid="day-close-date"]')
    expect(input.element.value).toBe(DAY)
    expect(input.attributes('max')).toBe(DAY)
    expect(wrapper.get(`label[for="${input.attributes('id')}"]`).text()).toBe('日期')
    expect(wrapper.get('h2').text()).toBe('王芳的日结（2026-11-15）')
    expect(wrapper.get('[data-testid="day-close-status"]').text()).toBe('未日结')
    expect(wrapper.get('[data-testid="day-close-count"]').text()).toBe('2笔')
    expect(wrapper.get('[data-testid="day-close-total"]').text()).toBe('¥1,614.56')
    expect(wrapper.get('[data-testid="day-close-totals"]').text()).toContain('二维码 1笔 ¥380.00；付款码 1笔 ¥1,234.56')
    const table = wrapper.get('[data-testid="day-close-payments"]')
    expect(table.findAll('th').map(x => x.text())).toEqual(['时间', '缴费人', '缴费年度', '支付方式', '金额', '状态', '待处理异常'])
    expect(table.findAll('th').every(x => x.attributes('scope') === 'col')).toBe(true)
    const rows = wrapper.findAll('[data-testid="day-close-payment"]').map(r => r.findAll('td').map(c => c.text().replace(/\s+/g, ' ')))
    expect(rows).toEqual([
      ['10:03', '张** 370502********0420', '2027年度', '二维码', '¥380.00', '已支付', '无'],
      ['14:30', '李* 370503********1234', '2027年度', '付款码', '¥1,234.56', '已支付', '重复缴费'],
      ['16:00', '张** 370502********0420', '2027年度', '二维码', '¥380.00', '待支付', '无'],
    ])
    // A clerk sees neither the clerks of the region nor the supervisors' actions.
    expect(wrapper.find('[data-testid="day-close-clerks"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="day-close-reopen"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="day-close-export"]').text()).toBe('导出CSV')
    wrapper.unmount()
  })

  it('closes the day only after the confirmation, with an Idempotency-Key, and shows it frozen with who and when', async () => {
    const posts: { body: unknown, key: string | null, csrf: string | null }[] = []
    let current = sheet()
    server.use(
      sessionHandler(),
      sheetHandler(() => current),
      http.post('*/api/v1/desk/day-closes', async ({ request }) => {
        posts.push({ body: await request.json(), key: request.headers.get('idempotency-key'), csrf: request.headers.get('x-csrf-token') })
        current = closed()
        return HttpResponse.json(current)
      }),
    )
    const { wrapper } = await mountPage()
    await wrapper.get('[data-testid="day-close-start"]').trigger('click')
    expect(wrapper.text()).toContain('日结后2026-11-15的收款清单将冻结：已支付2笔，合计¥1,614.56。确认日结？')
    await wrapper.get('[data-testid="day-close-cancel"]').trigger('click')
    await flushPromises()
    expect(posts).toEqual([])
    expect(wrapper.find('[data-testid="day-close-confirm"]').exists()).toBe(false)

    await wrapper.get('[data-testid="day-close-start"]').trigger('click')
    await wrapper.get('[data-testid="day-close-confirm"]').trigger('click')
    await flushPromises()
    expect(posts).toEqual([{ body: { date: DAY }, key: expect.stringMatching(UUID), csrf: 'csrf-staff' }])
    expect(wrapper.get('[data-testid="day-close-notice"]').attributes('role')).toBe('status')
    expect(wrapper.get('[data-testid="day-close-notice"]').text()).toBe('已日结：已支付2笔，合计¥1,614.56')
    expect(wrapper.get('[data-testid="day-close-status"]').text()).toBe('已日结')
    expect(wrapper.get('[data-testid="day-close-frozen"]').text()).toBe('已于2026-11-15 17:30日结（王芳），清单已冻结，合计以日结时为准。')
    expect(wrapper.get('[data-testid="day-close-reconcile-state"]').text()).toBe('待对账：次日10:30自动与微信支付交易账单对账')
    // Frozen: no second close, and a clerk has no 对账 or 重开.
    expect(wrapper.find('[data-testid="day-close-start"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="day-close-reconcile-button"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('sends the same Idempotency-Key again after a network failure, and says the failure in Chinese', async () => {
    const keys: (string | null)[] = []
    let fail = true
    server.use(
      sessionHandler(),
      sheetHandler(() => sheet()),
      http.post('*/api/v1/desk/day-closes', ({ request }) => {
        keys.push(request.headers.get('idempotency-key'))
        if (fail) return HttpResponse.error()
        return HttpResponse.json(closed())
      }),
    )
    const { wrapper } = await mountPage()
    await wrapper.get('[data-testid="day-close-start"]').trigger('click')
    await wrapper.get('[data-testid="day-close-confirm"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="day-close-close-error"]').text()).toContain('网络连接失败，请检查网络后重试')
    fail = false
    await wrapper.get('[data-testid="day-close-confirm"]').trigger('click')
    await flushPromises()
    expect(keys).toHaveLength(2)
    expect(keys[1]).toBe(keys[0])
    expect(wrapper.get('[data-testid="day-close-status"]').text()).toBe('已日结')
    wrapper.unmount()
  })

  it('shows 已对账 after T+1, or each difference with both amounts', async () => {
    let current = closed({ reconcile: { status: 'matched', at: '2026-11-16T10:30:02.000+08:00', differences: [] } })
    server.use(sessionHandler(), sheetHandler(() => current))
    const { wrapper } = await mountPage()
    const reconcile = wrapper.get('[data-testid="day-close-reconcile"]')
    expect(reconcile.attributes('data-reconcile')).toBe('matched')
    expect(reconcile.get('h3').text()).toBe('对账结果')
    expect(reconcile.get('[data-testid="day-close-reconcile-state"]').text()).toBe('已对账：与微信支付交易账单一致（2026-11-16 10:30）')
    expect(wrapper.find('[data-testid="day-close-differences"]').exists()).toBe(false)
    wrapper.unmount()

    current = closed({
      reconcile: {
        status: 'differences',
        at: '2026-11-16T10:30:02.000+08:00',
        differences: [
          { kind: 'amount_differs', outTradeNo: qr.outTradeNo, oursFen: 38000, billFen: 38001 },
          { kind: 'missing_in_bill', outTradeNo: codepay.outTradeNo, oursFen: 123456, billFen: null },
          { kind: 'missing_in_ours', outTradeNo: waiting.outTradeNo, oursFen: null, billFen: 38000 },
        ],
      },
      late: [{ ...waiting, status: 'paid', paidAt: '2026-11-15T18:00:00.000+08:00' }],
    })
    const again = (await mountPage()).wrapper
    expect(again.get('[data-testid="day-close-reconcile-state"]').text()).toBe('有差异：与微信支付交易账单不一致，共3处（2026-11-16 10:30）')
    const items = again.findAll('[data-testid="day-close-differences"] li').map(li => li.findAll('strong, span').map(x => x.text()))
    expect(items).toEqual([
      ['金额不一致', qr.outTradeNo, '本系统¥380.00，微信账单¥380.01'],
      ['微信账单中没有', codepay.outTradeNo, '本系统¥1,234.56，微信账单无'],
      ['日结中没有', waiting.outTradeNo, '本系统无，微信账单¥380.00'],
    ])
    // Paid after the close: listed apart, not in the frozen totals.
    expect(again.text()).toContain('日结后完成支付（未计入合计，1笔）')
    expect(again.get('[data-testid="day-close-late"]').text()).toContain('18:00')
    expect(again.get('[data-testid="day-close-total"]').text()).toBe('¥1,614.56')
    again.unmount()
  })

  it('refuses a future date before asking the server', async () => {
    server.use(sessionHandler(), sheetHandler(() => sheet()))
    const { wrapper } = await mountPage()
    await wrapper.get('[data-testid="day-close-date"]').setValue('2026-11-16')
    await flushPromises()
    expect(asked).toEqual(['|'])
    expect(wrapper.get('[data-testid="day-close-date-error"]').text()).toBe('只能查看今天或之前的日期')
    expect(wrapper.get('[data-testid="day-close-date-error"]').attributes('role')).toBe('alert')
    await wrapper.get('[data-testid="day-close-date"]').setValue('2026-11-14')
    await flushPromises()
    expect(asked).toEqual(['|', '2026-11-14|'])
    expect(wrapper.find('[data-testid="day-close-date-error"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('sends an ended staff session to the staff sign-in', async () => {
    server.use(
      http.get('*/api/v1/session', () => HttpResponse.json(asked.length ? anonymous : clerk)),
      sheetHandler(() => HttpResponse.json(errorBody('UNAUTHENTICATED', '登录已过期，请重新登录'), { status: 401 })),
    )
    const { router, wrapper } = await mountPage()
    expect(router.currentRoute.value.fullPath).toBe('/desk/login?redirect=/desk/day-close')
    wrapper.unmount()
  })

  describe('supervisors', () => {
    const own = sheet({ staff: { id: SUPERVISOR_ID, displayName: '李主任' }, payments: [], totals: { count: 0, totalFen: 0, byChannel: {} } })
    const list: DayCloseList = {
      date: DAY,
      clerks: [
        { staff: { id: CLERK_ID, displayName: '王芳' }, status: 'closed', totals: closed().totals, reconcile: null },
        { staff: { id: SUPERVISOR_ID, displayName: '李主任' }, status: 'open', totals: own.totals, reconcile: null },
      ],
    }
    beforeEach(() => { session = supervisor })

    function handlers(extra: Parameters<typeof server.use> = []) {
      let clerkSheet = closed()
      server.use(
        sessionHandler(),
        sheetHandler(q => (q.get('staffId') === CLERK_ID ? clerkSheet : own)),
        http.get('*/api/v1/desk/day-closes/clerks', () => HttpResponse.json(list)),
        ...extra,
      )
      return { set: (s: DaySheet) => { clerkSheet = s } }
    }

    it('lists the clerks of the regions for the day and opens one\'s sheet', async () => {
      handlers()
      const { wrapper } = await mountPage()
      const clerks = wrapper.get('[data-testid="day-close-clerks"]')
      expect(clerks.get('h2').text()).toBe('辖区窗口人员（2人）')
      const row = wrapper.get(`[data-testid="day-close-clerk-${CLERK_ID}"]`)
      expect(row.get('strong').text()).toBe('王芳')
      expect(row.get('p').text().replace(/\s+/g, ' ')).toBe('已日结 · 2笔 · ¥1,614.56 · 待对账')
      expect(wrapper.get(`[data-testid="day-close-clerk-${SUPERVISOR_ID}"]`).text()).toContain('（本人）')
      expect(wrapper.get('[data-testid="day-close-export"]').text()).toBe('导出辖区CSV')
      const open = row.get('[data-testid="day-close-clerk-open"]')
      expect(open.attributes('aria-label')).toBe('查看王芳的日结')
      await open.trigger('click')
      await flushPromises()
      expect(asked).toEqual(['|', `${DAY}|${CLERK_ID}`])
      expect(wrapper.get('[data-testid="day-close-sheet"] h2').text()).toBe('王芳的日结（2026-11-15）')
      expect(wrapper.get('[data-testid="day-close-frozen"]').text()).toContain('王芳')
      // Not one's own day: no 日结 for it, but 对账 and 重开.
      expect(wrapper.find('[data-testid="day-close-start"]').exists()).toBe(false)
      expect(wrapper.find('[data-testid="day-close-reconcile-button"]').exists()).toBe(true)
      expect(wrapper.get('[data-testid="day-close-export"]').text()).toBe('导出CSV')
      await wrapper.get('[data-testid="day-close-back-to-self"]').trigger('click')
      await flushPromises()
      expect(asked.at(-1)).toBe(`${DAY}|`)
      expect(wrapper.get('[data-testid="day-close-sheet"] h2').text()).toBe('李主任的日结（2026-11-15）')
      wrapper.unmount()
    })

    it('reopens a closed day only with a reason', async () => {
      const sent: unknown[] = []
      const { set } = handlers([
        http.post('*/api/v1/desk/day-closes/reopen', async ({ request }) => {
          const text = await request.text()
          sent.push(text ? JSON.parse(text) : text)
          const reopened = sheet({ status: 'reopened', reopen: { at: '2026-11-15T18:05:00.000+08:00', by: '李主任', reason: '漏记一笔现场退费' } })
          set(reopened)
          return HttpResponse.json(reopened)
        }),
      ])
      const { wrapper } = await mountPage()
      await wrapper.get(`[data-testid="day-close-clerk-${CLERK_ID}"] [data-testid="day-close-clerk-open"]`).trigger('click')
      await flushPromises()
      await wrapper.get('[data-testid="day-close-reopen"]').trigger('click')
      await wrapper.get('form').trigger('submit')
      await flushPromises()
      expect(sent).toEqual([])
      expect(wrapper.text()).toContain('请填写重开原因')
      await wrapper.get('[name="reason"]').setValue('漏')
      await wrapper.get('form').trigger('submit')
      await flushPromises()
      expect(sent).toEqual([])
      expect(wrapper.text()).toContain('重开原因至少2个字')

      await wrapper.get('[name="reason"]').setValue('  漏记一笔现场退费 ')
      await wrapper.get('form').trigger('submit')
      await flushPromises()
      expect(sent).toEqual([{ date: DAY, staffId: CLERK_ID, reason: '漏记一笔现场退费' }])
      expect(wrapper.get('[data-testid="day-close-notice"]').text()).toBe('已重开王芳的日结，请其核对后再次日结')
      expect(wrapper.get('[data-testid="day-close-status"]').text()).toBe('已重开，待再次日结')
      expect(wrapper.get('[data-testid="day-close-reopened"]').text()).toBe('李主任于2026-11-15 18:05重开了该日日结，原因：漏记一笔现场退费')
      expect(wrapper.find('form').exists()).toBe(false)
      wrapper.unmount()
    })

    it('after 对账 the button reads 重新对账 at once, while the clerks\' list is still refreshing', async () => {
      let release = () => {}
      const held = new Promise<void>((resolve) => { release = resolve })
      let listCalls = 0
      const { set } = handlers([
        http.post('*/api/v1/desk/day-closes/reconcile', () => {
          const done = closed({ reconcile: { status: 'matched', at: '2026-11-16T10:05:00.000+08:00', differences: [] } })
          set(done)
          return HttpResponse.json(done)
        }),
      ])
      // Used last, so it comes first: the list's refresh after 对账 waits until released.
      server.use(http.get('*/api/v1/desk/day-closes/clerks', async () => {
        listCalls += 1
        if (listCalls > 1) await held
        return HttpResponse.json(list)
      }))
      const { wrapper } = await mountPage()
      await wrapper.get(`[data-testid="day-close-clerk-${CLERK_ID}"] [data-testid="day-close-clerk-open"]`).trigger('click')
      await flushPromises()
      await wrapper.get('[data-testid="day-close-reconcile-button"]').trigger('click')
      await flushPromises()
      expect(wrapper.get('[data-testid="day-close-notice"]').text()).toBe('对账完成：已对账')
      expect(listCalls).toBe(2)
      expect(wrapper.get('[data-testid="day-close-reconcile-button"]').text()).toBe('重新对账')
      release()
      await flushPromises()
      wrapper.unmount()
    })

    it('对账 before the bill is made shows the server\'s Chinese message; after it, the result', async () => {
      let ready = false
      const sent: unknown[] = []
      const { set } = handlers([
        http.post('*/api/v1/desk/day-closes/reconcile', async ({ request }) => {
          sent.push(await request.json())
          if (!ready) return HttpResponse.json(errorBody('DAY_BILL_NOT_READY', '微信支付交易账单次日10点后才生成，请稍后再对账'), { status: 409 })
          const done = closed({ reconcile: { status: 'matched', at: '2026-11-16T10:05:00.000+08:00', differences: [] } })
          set(done)
          return HttpResponse.json(done)
        }),
      ])
      const { wrapper } = await mountPage()
      await wrapper.get(`[data-testid="day-close-clerk-${CLERK_ID}"] [data-testid="day-close-clerk-open"]`).trigger('click')
      await flushPromises()
      expect(wrapper.get('[data-testid="day-close-reconcile-button"]').text()).toBe('对账')
      await wrapper.get('[data-testid="day-close-reconcile-button"]').trigger('click')
      await flushPromises()
      expect(sent).toEqual([{ date: DAY, staffId: CLERK_ID }])
      const error = wrapper.get('[data-testid="day-close-reconcile-error"]')
      expect(error.attributes('role')).toBe('alert')
      expect(error.text()).toBe('微信支付交易账单次日10点后才生成，请稍后再对账')
      expect(wrapper.get('[data-testid="day-close-reconcile-state"]').text()).toContain('待对账')

      ready = true
      await wrapper.get('[data-testid="day-close-reconcile-button"]').trigger('click')
      await flushPromises()
      expect(wrapper.find('[data-testid="day-close-reconcile-error"]').exists()).toBe(false)
      expect(wrapper.get('[data-testid="day-close-reconcile-state"]').text()).toBe('已对账：与微信支付交易账单一致（2026-11-16 10:05）')
      expect(wrapper.get('[data-testid="day-close-notice"]').text()).toBe('对账完成：已对账')
      expect(wrapper.get('[data-testid="day-close-reconcile-button"]').text()).toBe('重新对账')
      wrapper.unmount()
    })
  })

  it('导出CSV downloads the server\'s file for the day; a refusal is said in Chinese', async () => {
    const exports: string[] = []
    let refuse = false
    server.use(
      sessionHandler(),
      sheetHandler(() => sheet()),
      http.get('*/api/v1/desk/day-closes/export', ({ request }) => {
        exports.push(new URL(request.url).search)
        if (refuse) return HttpResponse.json(errorBody('FORBIDDEN', '您没有权限办理此项业务'), { status: 403 })
        return new HttpResponse('\uFEFF日期\r\n', {
          headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="day-close-${DAY}.csv"` },
        })
      }),
    )
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:day-close')
    const clicks: { href: string, download: string }[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ href: this.getAttribute('href') ?? '', download: this.download })
    })
    try {
      const { wrapper } = await mountPage()
      await wrapper.get('[data-testid="day-close-export"]').trigger('click')
      await flushPromises()
      expect(exports).toEqual([`?date=${DAY}`])
      expect(created).toHaveBeenCalledOnce()
      expect(clicks).toEqual([{ href: 'blob:day-close', download: `day-close-${DAY}.csv` }])
      expect(wrapper.get('[data-testid="day-close-notice"]').text()).toBe(`已导出 day-close-${DAY}.csv`)

      refuse = true
      await wrapper.get('[data-testid="day-close-export"]').trigger('click')
      await flushPromises()
      expect(wrapper.get('[data-testid="day-close-export-error"]').text()).toBe('您没有权限办理此项业务')
      expect(clicks).toHaveLength(1)
      wrapper.unmount()
    }
    finally {
      created.mockRestore()
      click.mockRestore()
    }
  })
})
