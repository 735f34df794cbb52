import type { ApiErrorBody, SessionView } from '@yibao/shared'
import type { OrderView } from '../pay/types'
import type { RefundOptionsView } from './types'
import type { VueWrapper } from '@vue/test-utils'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import RefundApplyPage from './RefundApplyPage.vue'
import { refundView } from './refund-fixtures'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '王**', certNo: '610322********0281', regionCode: '610322' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: null }
const ORDER = '0b4c5d6e-7f80-4912-a3b4-c5d6e7f80912'
const LINE = '2d6e7f80-91a2-4b34-85c6-d7e8f9a0b1c2'
const REFUND = '4f8091a2-b3c4-4d56-a7e8-f9a0b1c2d3e4'

function order(over: Partial<OrderView['lines'][number]> = {}): OrderView {
  return {
    id: ORDER,
    outTradeNo: 'YB20261123AAAABBBBCCCCDDDD',
    channel: 'native',
    year: 2027,
    totalFen: 38_000,
    status: 'paid',
    codeUrl: null,
    expiresAt: '2026-11-23T08:14:00.000+08:00',
    paidAt: '2026-11-23T07:44:12.000+08:00',
    atDesk: false,
    lines: [{ id: LINE, name: '王**', certNo: '610322********0281', amountFen: 38_000, status: 'reported', receiptCode: 'R4N7-CNU2-TG95-VTF6', refund: null, ...over }],
  }
}
const created = refundView({ id: REFUND, orderId: ORDER, lineId: LINE })

type Option = RefundOptionsView['options'][number]
const REASONS = ['died_before_benefit', 'duplicate_enrolment', 'employee_insurance', 'overpaid', 'funded'] as const
/** The BFF's answer on 10 April 2027: the year has started; 职工医保 since 15 March overlaps 9 months. */
function options(over: Partial<Record<Option['reason'], Partial<Option>>> = {}): RefundOptionsView {
  const refused = (code: Option['code'], message: string) =>
    ({ status: 'refused', amountFen: null, partial: false, basis: null, code, message }) as const
  const started = refused('REFUND_BENEFIT_STARTED', '2027年度待遇享受期已开始，不能以该原因退费')
  const base: Record<Option['reason'], Partial<Option>> = {
    died_before_benefit: {
      status: 'allowed',
      amountFen: 38_000,
      partial: false,
      basis: {
        text: '参保人在待遇享受期开始前去世的，退还全部个人缴费。',
        source: '东医保发〔2020〕56号 六(一)',
        assumed: true,
        reason: '本地区文件未规定死亡人员退费',
      },
      message: null,
      code: null,
    },
    duplicate_enrolment: started,
    overpaid: started,
    employee_insurance: {
      status: 'allowed',
      amountFen: 28_500,
      partial: true,
      basis: {
        text: '2027年度有 9 个整月（4月至12月）同时参加了职工医保和居民医保，按月折算退还重叠月份的个人缴费：'
          + '380.00 元 × 9 ÷ 12 = 285.00 元。',
        source: '医保局办公室等五部门2020年通知 二（做好职工医保和居民医保参保接续衔接）',
        assumed: true,
        reason: '文件未规定待遇享受期开始后参加职工医保的退费办法；按与职工医保重叠的整月数折算',
      },
      message: null,
      code: null,
    },
    funded: refused('REFUND_NOT_FUNDED', '医保部门未查到参保人2027年度的参保资助身份，或资助部分已在缴费时扣除，不能以该原因退费'),
  }
  return {
    year: 2027,
    paidFen: 38_000,
    options: REASONS.map(reason => ({ reason, label: reason, hint: '', ...base[reason], ...over[reason] }) as Option),
  }
}
function errorBody(code: ApiErrorBody['error']['code'], message: string): ApiErrorBody {
  return { error: { code, message, requestId: 'req-9' } }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => setActivePinia(createPinia()))

const posts: { key: string | null, body: unknown }[] = []
/** `orderId|lineId` of each options request. */
const asked: string[] = []
let replies: Array<() => Response> = []

function bff(view: OrderView = order(), choices: RefundOptionsView | 'down' = 'down') {
  posts.length = 0
  server.use(
    http.get('*/api/v1/session', () => HttpResponse.json(resident)),
    http.get(`*/api/v1/payments/orders/${ORDER}`, () => HttpResponse.json(view)),
    http.get('*/api/v1/refunds/options', ({ request }) => {
      const q = new URL(request.url).searchParams
      asked.push(`${q.get('orderId')}|${q.get('lineId')}`)
      const down = errorBody('UPSTREAM_UNAVAILABLE', '医保部门系统暂时无法访问')
      if (choices === 'down') return HttpResponse.json(down, { status: 502 })
      return HttpResponse.json(choices)
    }),
    http.post('*/api/v1/refunds', async ({ request }) => {
      posts.push({ key: request.headers.get('idempotency-key'), body: await request.json() })
      return replies.shift()!()
    }),
  )
}

async function mountAt(url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/refunds/new', component: RefundApplyPage },
      { path: '/refunds', component: { render: () => h('p', { 'data-testid': 'refunds-page' }, 'refunds') } },
      { path: '/pay/orders', component: { render: () => h('p', 'orders') } },
    ],
  })
  await router.push(url)
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

/** 提交退费申请, then 确认提交 in the confirmation step. */
async function confirmSubmit(wrapper: VueWrapper) {
  await wrapper.get('[data-testid="refund-submit"]').trigger('click')
  await flushPromises()
  await wrapper.get('[data-testid="refund-confirm"]').trigger('click')
  await flushPromises()
}

describe('RefundApplyPage', () => {
  it('shows the person, year and amount of the line, and requires a reason before asking the BFF', async () => {
    bff()
    const { wrapper, router } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    expect(wrapper.findAll('h1')).toHaveLength(1)
    expect(wrapper.get('h1').text()).toBe('申请退费')
    const facts = wrapper.get('[data-testid="refund-line"]').text()
    expect(facts).toContain('王**（610322********0281）')
    expect(facts).toContain('2027年度')
    expect(wrapper.get('[data-testid="refund-amount"]').text()).toBe('¥380.00')
    expect(wrapper.get('fieldset legend').text()).toBe('退费原因')
    expect(wrapper.findAll('fieldset input[type="radio"]')).toHaveLength(5)
    expect(wrapper.get('fieldset').text()).toContain('重复参保或重复缴费')
    expect(wrapper.get('fieldset').text()).toContain('仅限待遇享受期开始前申请')
    expect(wrapper.get('[data-testid="refund-note"]').text()).toContain('医保审核')

    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    const error = wrapper.get('[data-testid="refund-reason-error"]')
    expect(error.text()).toBe('请选择退费原因')
    expect(wrapper.get('fieldset').attributes('aria-describedby')).toBe(error.attributes('id'))
    expect(posts).toHaveLength(0)
    expect(router.currentRoute.value.path).toBe('/refunds/new')

    // Choosing a reason clears the message.
    await wrapper.get('[data-testid="refund-reason-overpaid"]').setValue(true)
    expect(wrapper.find('[data-testid="refund-reason-error"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('asks to confirm the person, year, reason and amount inline before sending; 返回修改 sends nothing', async () => {
    bff()
    replies = [() => HttpResponse.json(created, { status: 201 })]
    const { wrapper, router } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    await wrapper.get('[data-testid="refund-reason-duplicate_enrolment"]').setValue(true)
    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    expect(posts).toHaveLength(0)
    const step = wrapper.get('[data-testid="refund-confirm-step"]')
    const heading = step.get('h2')
    expect(heading.text()).toBe('请确认退费申请')
    expect(document.activeElement).toBe(heading.element)
    expect(step.text()).toContain('王**（610322********0281）')
    expect(step.text()).toContain('2027年度')
    expect(step.text()).toContain('重复参保或重复缴费')
    expect(step.get('[data-testid="refund-confirm-amount"]').text()).toBe('¥380.00')
    // An inline step, not a toast: it stays until the person answers.
    expect(document.querySelector('.van-toast')).toBeNull()
    expect(wrapper.find('[data-testid="refund-submit"]').exists()).toBe(false)
    expect(step.get('[data-testid="refund-confirm"]').text()).toBe('确认提交')
    await step.get('[data-testid="refund-edit"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="refund-confirm-step"]').exists()).toBe(false)
    expect(posts).toHaveLength(0)
    expect(router.currentRoute.value.path).toBe('/refunds/new')

    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="refund-confirm"]').trigger('click')
    await flushPromises()
    expect(posts).toHaveLength(1)
    expect(router.currentRoute.value.path).toBe('/refunds')
    wrapper.unmount()
  })

  it('sends {orderId, lineId, reason} with an Idempotency-Key, retries with the SAME key, then goes to /refunds', async () => {
    bff()
    replies = [
      () => HttpResponse.json(errorBody('UPSTREAM_UNAVAILABLE', '医保部门系统暂时无法访问，请稍后再试'), { status: 502 }),
      () => HttpResponse.json(created, { status: 201 }),
    ]
    const { wrapper, router } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    await wrapper.get('[data-testid="refund-reason-duplicate_enrolment"]').setValue(true)
    await confirmSubmit(wrapper)
    expect(posts).toHaveLength(1)
    expect(posts[0]!.body).toEqual({ orderId: ORDER, lineId: LINE, reason: 'duplicate_enrolment' })
    expect(posts[0]!.key).toMatch(/^[\w-]{20,255}$/)
    expect(wrapper.get('[data-testid="refund-error"]').text()).toContain('医保部门系统暂时无法访问，请稍后再试')
    // Still in the confirmation: sending it again is a retry of the same request.
    expect(wrapper.get('[data-testid="refund-confirm"]').text()).toContain('重试')
    expect(router.currentRoute.value.path).toBe('/refunds/new')

    await wrapper.get('[data-testid="refund-confirm"]').trigger('click')
    await flushPromises()
    expect(posts).toHaveLength(2)
    expect(posts[1]!.key).toBe(posts[0]!.key)
    expect(router.currentRoute.value.path).toBe('/refunds')
    expect(wrapper.find('[data-testid="refunds-page"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the Chinese message of a 409 and makes the next tap a new request', async () => {
    bff()
    replies = [
      () => HttpResponse.json(errorBody('REFUND_BENEFIT_STARTED', '2027年度待遇享受期已开始，不能以该原因退费'), { status: 409 }),
      () => HttpResponse.json(created, { status: 201 }),
    ]
    const { wrapper, router } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    await wrapper.get('[data-testid="refund-reason-overpaid"]').setValue(true)
    await confirmSubmit(wrapper)
    const alert = wrapper.get('[data-testid="refund-error"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toContain('2027年度待遇享受期已开始，不能以该原因退费')
    // A 409 the person can act on: no request id.
    expect(alert.text()).not.toContain('req-9')
    expect(wrapper.get('[data-testid="refund-confirm"]').text()).toBe('确认提交')
    expect(router.currentRoute.value.path).toBe('/refunds/new')

    await wrapper.get('[data-testid="refund-reason-died_before_benefit"]').setValue(true)
    expect(wrapper.find('[data-testid="refund-error"]').exists()).toBe(false)
    // Another reason: the confirmation is asked again for it.
    expect(wrapper.find('[data-testid="refund-confirm-step"]').exists()).toBe(false)
    await confirmSubmit(wrapper)
    expect(posts.map(p => (p.body as { reason: string }).reason)).toEqual(['overpaid', 'died_before_benefit'])
    expect(posts[1]!.key).not.toBe(posts[0]!.key)
    expect(router.currentRoute.value.path).toBe('/refunds')
    wrapper.unmount()
  })

  it('says plainly when the line is unknown or cannot be refunded, with a way back to 缴费记录', async () => {
    bff(order({ refund: { id: REFUND, status: 'approving', reason: 'overpaid' } }))
    const live = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    expect(live.wrapper.get('[data-testid="refund-unavailable"]').attributes('data-reason')).toBe('unavailable')
    expect(live.wrapper.get('[data-testid="refund-unavailable"]').text()).toContain('不能申请退费')
    expect(live.wrapper.get('[data-testid="refund-to-orders"]').attributes('href')).toBe('/pay/orders')
    expect(live.wrapper.find('[data-testid="refund-submit"]').exists()).toBe(false)
    live.wrapper.unmount()

    // No ids at all: nothing is asked, the page says what to do.
    const none = await mountAt('/refunds/new')
    expect(none.wrapper.get('h1').text()).toBe('申请退费')
    expect(none.wrapper.get('[data-testid="refund-unavailable"]').attributes('data-reason')).toBe('unknown')
    expect(none.wrapper.get('[data-testid="refund-to-orders"]').attributes('href')).toBe('/pay/orders')
    none.wrapper.unmount()

    // A line that is not in the order.
    const other = await mountAt(`/refunds/new?order=${ORDER}&line=${REFUND}`)
    expect(other.wrapper.get('[data-testid="refund-unavailable"]').attributes('data-reason')).toBe('unknown')
    other.wrapper.unmount()
    expect(posts).toHaveLength(0)
  })

  it('shows per reason what would come back and on which clause, keeps refused reasons from being chosen', async () => {
    bff(order(), options())
    const partial = { ...created, reason: 'employee_insurance', amountFen: 28_500 }
    replies = [() => HttpResponse.json(partial, { status: 201 })]
    asked.length = 0
    const { wrapper, router } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    expect(asked).toEqual([`${ORDER}|${LINE}`])
    // 已参加职工医保 after 1 January: part of the premium, pro rata by month (an assumption, said so).
    expect(wrapper.get('[data-testid="refund-option-employee_insurance"]').text()).toBe('可退还 ¥285.00（部分退费）')
    expect(wrapper.get('[data-testid="refund-option-died_before_benefit"]').text()).toBe('可全额退还 ¥380.00')
    // The reasons the rules refuse now say why and cannot be chosen.
    expect(wrapper.get('[data-testid="refund-option-overpaid"]').text()).toBe('2027年度待遇享受期已开始，不能以该原因退费')
    expect(wrapper.get<HTMLInputElement>('[data-testid="refund-reason-overpaid"]').element.disabled).toBe(true)
    expect(wrapper.get<HTMLInputElement>('[data-testid="refund-reason-funded"]').element.disabled).toBe(true)
    expect(wrapper.get('[data-testid="refund-note"]').text()).toContain('已参加职工医保的，退还与职工医保重叠月份的保费')

    await wrapper.get('[data-testid="refund-reason-employee_insurance"]').setValue(true)
    const basis = wrapper.get('[data-testid="refund-basis"]')
    expect(basis.get('[data-testid="refund-back-amount"]').text()).toBe('¥285.00')
    expect(basis.text()).toContain('380.00 元 × 9 ÷ 12 = 285.00 元')
    expect(basis.get('[data-testid="refund-basis-source"]').text()).toBe('依据：医保局办公室等五部门2020年通知 二（做好职工医保和居民医保参保接续衔接）')
    expect(basis.get('[data-testid="refund-basis-assumed"]').text()).toContain('文件未作规定')
    // The amount is never sent: the BFF works it out again. The confirmation shows the part that comes back.
    await wrapper.get('[data-testid="refund-submit"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="refund-confirm-amount"]').text()).toBe('¥285.00')
    await wrapper.get('[data-testid="refund-confirm"]').trigger('click')
    await flushPromises()
    expect(posts[0]!.body).toEqual({ orderId: ORDER, lineId: LINE, reason: 'employee_insurance' })
    expect(router.currentRoute.value.path).toBe('/refunds')
    wrapper.unmount()
  })

  it('offers every reason when the amounts cannot be had now, and says the bureau decides', async () => {
    bff(order(), options({ funded: { status: 'unknown', amountFen: null, basis: null, message: null, code: null } }))
    const { wrapper } = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    await wrapper.get('[data-testid="refund-reason-funded"]').setValue(true)
    expect(wrapper.get('[data-testid="refund-basis"]').text()).toContain('暂时无法核算退费金额，提交后以医保部门审核为准')
    wrapper.unmount()
    // No options at all (the BFF down): every reason can still be chosen.
    bff()
    const down = await mountAt(`/refunds/new?order=${ORDER}&line=${LINE}`)
    expect(down.wrapper.findAll('fieldset input[type="radio"]:disabled')).toHaveLength(0)
    expect(down.wrapper.find('[data-testid="refund-option-employee_insurance"]').exists()).toBe(false)
    down.wrapper.unmount()
  })
})
