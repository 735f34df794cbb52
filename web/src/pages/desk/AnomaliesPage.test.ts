import type { AnomalyView, ApiErrorBody, SessionView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n, loadDeskMessages } from '../../i18n'
import AnomaliesPage from './AnomaliesPage.vue'

const anonymous: SessionView = {
  authenticated: false,
  kind: null,
  csrfToken: null,
  resident: null,
  pending: null,
  staff: null,
  sandboxSmsInbox: null,
}
const supervisor: SessionView = {
  ...anonymous,
  authenticated: true,
  kind: 'staff',
  csrfToken: 'csrf-staff',
  staff: { name: '李主任', role: 'supervisor', regions: ['370500'] },
}

const FULL_CERT = '370502198603150420'

function anomaly(over: Partial<AnomalyView> = {}): AnomalyView {
  return {
    id: '0b7f3c52-8d5e-4b1a-9c1e-3f0d2a6b7c01',
    kind: 'duplicate_payment',
    status: 'open',
    createdAt: '2026-11-15T10:02:03.000+08:00',
    regionCode: '370502',
    orderId: '5d7c1e2a-0b3f-4c6d-8e9f-1a2b3c4d5e6f',
    outTradeNo: 'YB20261115100203ABCDEF',
    people: [{ name: '张**', certNo: '370502********0420' }],
    year: 2027,
    amountFen: 38000,
    lineStatus: 'duplicate',
    orderStatus: 'paid',
    refundStatus: null,
    facts: { why: 'collected_elsewhere', taxCode: '2002' },
    actions: [],
    available: { retry: false, refund: true },
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    ...over,
  }
}

const jobExhausted = anomaly({
  id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
  kind: 'job_exhausted',
  createdAt: '2026-11-15T09:30:00.000+08:00',
  outTradeNo: 'YB20261115093000QWERTY',
  lineStatus: 'paid',
  facts: { topic: 'report_line', attempts: 15, lastError: 'tax unavailable' },
  actions: [{ at: '2026-11-15T09:45:00.000+08:00', action: 'retry', by: '王科长', note: 'report_line' }],
  available: { retry: true, refund: false },
})

type Code = ApiErrorBody['error']['code']
function errorBody(code: Code, message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: { code, message, requestId: 'req-1', ...(fields && { fields }) } }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
// The desk's texts load with its routes; these tests mount its components directly.
beforeAll(() => loadDeskMessages())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

let session: SessionView = supervisor
const sessionHandler = () => http.get('*/api/v1/session', () => HttpResponse.json(session))

async function mountPage() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/desk/anomalies', component: AnomaliesPage },
      { path: '/desk/login', component: { render: () => h('p', 'login') } },
    ],
  })
  await router.push('/desk/anomalies')
  const global = { plugins: [i18n, router] }
  const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('AnomaliesPage (异常处理)', () => {
  beforeEach(() => { session = supervisor })

  it('sends someone not signed in as staff to the staff sign-in, and back here after', async () => {
    session = anonymous
    server.use(sessionHandler())
    const { router, wrapper } = await mountPage()
    expect(router.currentRoute.value.fullPath).toBe('/desk/login?redirect=/desk/anomalies')
    wrapper.unmount()
  })

  it('lists open anomalies: kind, Shanghai time, masked person, amount, order number, what was tried', async () => {
    const asked: string[] = []
    server.use(sessionHandler(), http.get('*/api/v1/desk/anomalies', ({ request }) => {
      asked.push(new URL(request.url).searchParams.get('status')!)
      return HttpResponse.json({ status: 'open', anomalies: [anomaly(), jobExhausted] })
    }))
    const { wrapper } = await mountPage()
    expect(asked).toEqual(['open'])
    expect(wrapper.findAll('h1').map(h => h.text())).toEqual(['异常处理'])
    expect(wrapper.get('#anomalies-list-title').text()).toBe('待处理（2条）')
    const [dup, job] = wrapper.findAll('[data-testid="anomaly"]')
    expect(dup!.get('h3').text()).toBe('重复缴费')
    expect(dup!.text()).toContain('2026-11-15 10:02')
    expect(dup!.get('[data-testid="anomaly-people"]').text()).toBe('张**（370502********0420）')
    expect(dup!.get('[data-testid="anomaly-amount"]').text()).toBe('¥380.00')
    expect(dup!.get('[data-testid="anomaly-order"]').text()).toBe('YB20261115100203ABCDEF')
    expect(dup!.text()).toContain('税务部门已有该人员本年度的其他缴费记录')
    expect(dup!.text()).toContain('税务部门返回代码 2002')
    expect(dup!.find('[data-testid="anomaly-retry"]').exists()).toBe(false)
    expect(dup!.find('[data-testid="anomaly-refund"]').exists()).toBe(true)

    expect(job!.get('h3').text()).toBe('后台处理多次失败')
    expect(job!.text()).toContain('后台任务“报送税务”已尝试 15 次')
    expect(job!.get('[data-testid="anomaly-history"]').text()).toBe('2026-11-15 09:45 王科长：重试（报送税务）')
    expect(job!.find('[data-testid="anomaly-retry"]').exists()).toBe(true)
    expect(job!.find('[data-testid="anomaly-refund"]').exists()).toBe(false)
    expect(wrapper.html()).not.toContain(FULL_CERT)
    wrapper.unmount()
  })

  it('asks before a refund, sends an Idempotency-Key (the same one on a retry) and says so on the card', async () => {
    const sent: { key: string | null, csrf: string | null }[] = []
    let fail = true
    server.use(
      sessionHandler(),
      http.get('*/api/v1/desk/anomalies', () => HttpResponse.json({ status: 'open', anomalies: [anomaly()] })),
      http.post('*/api/v1/desk/anomalies/:id/refund', ({ request, params }) => {
        expect(params.id).toBe(anomaly().id)
        sent.push({ key: request.headers.get('idempotency-key'), csrf: request.headers.get('x-csrf-token') })
        if (fail) {
          fail = false
          return HttpResponse.json(errorBody('UPSTREAM_UNAVAILABLE', '微信支付暂时无法访问，请稍后再试'), { status: 502 })
        }
        return HttpResponse.json({
          anomaly: anomaly({
            refundStatus: 'refunding',
            available: { retry: false, refund: false },
            actions: [{ at: '2026-11-15T10:05:00.000+08:00', action: 'refund', by: '李主任', note: 'refunding' }],
          }),
        })
      }),
    )
    const { wrapper } = await mountPage()
    await wrapper.get('[data-testid="anomaly-refund"]').trigger('click')
    expect(sent).toHaveLength(0)
    expect(wrapper.get('[data-testid="anomaly-refund-confirm"]').text()).toContain('确认将 ¥380.00 原路退回缴费人的微信支付账户？')

    await wrapper.get('[data-testid="anomaly-refund-confirm-button"]').trigger('click')
    await flushPromises()
    const error = wrapper.get('[data-testid="anomaly-error"]')
    expect(error.attributes('role')).toBe('alert')
    expect(error.text()).toContain('微信支付暂时无法访问，请稍后再试')

    await wrapper.get('[data-testid="anomaly-refund-confirm-button"]').trigger('click')
    await flushPromises()
    expect(sent).toHaveLength(2)
    expect(sent[0]!.key).toMatch(/^[\w-]{20,}$/)
    expect(sent[1]!.key).toBe(sent[0]!.key)
    expect(sent[0]!.csrf).toBe('csrf-staff')
    expect(wrapper.find('[data-testid="anomaly-error"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="anomaly-done"]').text()).toBe('已发起退款，款项到账后系统会自动标记为已处理。')
    expect(wrapper.get('[data-testid="anomaly-history"]').text()).toBe('2026-11-15 10:05 李主任：退款（退款中）')
    expect(wrapper.find('[data-testid="anomaly-refund"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('标记已处理 needs a reason (checked here and by the server), then it leaves the open list', async () => {
    const bodies: unknown[] = []
    server.use(
      sessionHandler(),
      http.get('*/api/v1/desk/anomalies', () =>
        HttpResponse.json({ status: 'open', anomalies: [anomaly(), jobExhausted] })),
      http.post('*/api/v1/desk/anomalies/:id/resolve', async ({ request }) => {
        const body = await request.json() as { reason: string }
        bodies.push(body)
        if (body.reason === '不用') {
          const fields = { reason: '处理说明过于简单' }
          return HttpResponse.json(errorBody('VALIDATION_FAILED', '填写的信息有误，请检查后再提交', fields), { status: 400 })
        }
        return HttpResponse.json({
          anomaly: anomaly({
            status: 'resolved',
            resolvedBy: '李主任',
            resolution: body.reason,
            resolvedAt: '2026-11-15T10:06:00.000+08:00',
            available: { retry: false, refund: false },
          }),
        })
      }),
    )
    const { wrapper } = await mountPage()
    await wrapper.get('[data-testid="anomaly-resolve"]').trigger('click')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('请填写处理说明')
    expect(bodies).toHaveLength(0)

    await wrapper.get('[name="reason"]').setValue('不用')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('处理说明过于简单')

    await wrapper.get('[name="reason"]').setValue('已电话联系缴费人，款项已由窗口退回')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(bodies.at(-1)).toEqual({ reason: '已电话联系缴费人，款项已由窗口退回' })
    expect(wrapper.findAll('[data-testid="anomaly"]').map(a => a.attributes('data-kind'))).toEqual(['job_exhausted'])
    expect(wrapper.get('[data-testid="anomalies-notice"]').text()).toBe('已标记为已处理：重复缴费（YB20261115100203ABCDEF）')
    expect(wrapper.get('[data-testid="anomalies-notice"]').attributes('role')).toBe('status')
    expect(wrapper.get('#anomalies-list-title').text()).toBe('待处理（1条）')
    wrapper.unmount()
  })

  it('shows the resolved ones with who and why, and no actions', async () => {
    server.use(sessionHandler(), http.get('*/api/v1/desk/anomalies', ({ request }) => {
      const status = new URL(request.url).searchParams.get('status')
      return HttpResponse.json(status === 'resolved'
        ? {
            status,
            anomalies: [anomaly({
              status: 'resolved',
              resolvedBy: null,
              resolution: '已原路退回',
              resolvedAt: '2026-11-15T10:07:00.000+08:00',
              lineStatus: 'refunded',
              refundStatus: 'succeeded',
            })],
          }
        : { status, anomalies: [] })
    }))
    const { wrapper } = await mountPage()
    expect(wrapper.get('[data-testid="anomalies-empty"]').text()).toBe('暂无待处理的异常')
    await wrapper.get('[data-testid="anomalies-tab-resolved"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="anomalies-tab-resolved"]').attributes('aria-pressed')).toBe('true')
    const card = wrapper.get('[data-testid="anomaly"]')
    expect(card.get('[data-testid="anomaly-resolved-by"]').text()).toBe('系统')
    expect(card.get('[data-testid="anomaly-resolution"]').text()).toBe('已原路退回')
    expect(card.text()).toContain('已退费；退款：已退回原支付账户')
    expect(card.find('button').exists()).toBe(false)
    wrapper.unmount()
  })

  it('tells a clerk in Chinese that the queue is not theirs', async () => {
    const forbidden = errorBody('FORBIDDEN', '您没有权限办理此项业务')
    const queue = http.get('*/api/v1/desk/anomalies', () => HttpResponse.json(forbidden, { status: 403 }))
    server.use(sessionHandler(), queue)
    const { wrapper } = await mountPage()
    expect(wrapper.get('[data-testid="anomalies-error"]').text()).toContain('您没有权限办理此项业务')
    expect(wrapper.find('[data-testid="anomaly"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
