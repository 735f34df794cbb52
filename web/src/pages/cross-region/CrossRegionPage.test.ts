import type { ApiErrorBody, FamilyLinkView, SessionView } from '@yibao/shared'
import type { FilingsView, FilingView } from './types'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import { serviceRoute } from '../../services'
import CrossRegionPage from './CrossRegionPage.vue'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '王**', certNo: '370502********2021', regionCode: '370502' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: null }
const MEMBER = '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5'
const links: FamilyLinkView[] = [{ id: MEMBER, name: '刘**', certNo: '370502********0825', relation: 'parent', relationLabel: '父母', status: 'active', createdAt: '2026-11-01T00:00:00.000Z' }]

function filing(over: Partial<FilingView> = {}): FilingView {
  return {
    id: '37050220261101000123',
    type: 'temporary',
    typeLabel: '其他临时外出就医人员',
    destination: '460203',
    startDate: '2026-12-01',
    endDate: '2027-05-31',
    status: 'upcoming',
    longTerm: false,
    promise: false,
    basis: null,
    basisLabel: null,
    residenceProof: null,
    address: null,
    referralHospital: null,
    phone: '139****5678',
    agentName: null,
    source: 'app',
    createdAt: '2026-11-20 09:00:00',
    cancelledAt: null,
    cancelReason: null,
    lockedUntil: null,
    canChange: true,
    ...over,
  }
}
const LONG_TERM = {
  type: 'long_term_resident',
  typeLabel: '异地长期居住人员',
  destination: '440306',
  startDate: '2026-09-01',
  endDate: null,
  status: 'valid',
  longTerm: true,
} as const
const locked = filing({
  ...LONG_TERM,
  id: '37050220261101000200',
  promise: true,
  basis: 'promise',
  basisLabel: '个人承诺',
  address: '广东省深圳市宝安区西乡街道固戍社区',
  agentName: '王*',
  lockedUntil: '2027-03-01',
  canChange: false,
})
/** 异地长期居住 on a 居住证 (医保发〔2022〕22号): the number masked by the BFF, never locked. */
const onProof = filing({
  ...LONG_TERM,
  id: '37050220261101000500',
  basis: 'residence_proof',
  basisLabel: '居住证明',
  residenceProof: { kind: 'residence_permit', kindLabel: '居住证', number: 'A4*************12' },
  canChange: true,
})
/** The 参保地's rules the BFF gives: the national 补办 (no day count). */
const RULES: FilingsView['rules'] = {
  today: '2026-11-23',
  minStartDate: null,
  maxStartDate: '2027-05-22',
  backdateDays: null,
  backdateSource: '医保发〔2022〕22号',
  backdateAssumed: false,
  temporaryMonths: 6,
  promiseLockMonths: 6,
}
const expired = filing({ id: '37050220250101000300', type: 'referral', typeLabel: '异地转诊就医人员', destination: '110105', startDate: '2025-01-10', endDate: '2025-07-09', status: 'expired', referralHospital: '东营市人民医院', canChange: false })
const cancelled = filing({ id: '37050220250801000400', type: 'resident_worker', typeLabel: '常驻异地工作人员', destination: '330110', startDate: '2025-08-01', endDate: null, status: 'cancelled', longTerm: true, canChange: false, cancelledAt: '2025-09-03 10:12:45', cancelReason: '已返回参保地工作' })

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  server.resetHandlers()
  document.body.innerHTML = ''
})
afterAll(() => server.close())

/** The BFF: GET answers with the next list of `lists` (the last one again once used up). */
function bff(lists: FilingsView[], cancelReply?: () => Response) {
  const asked: (string | null)[] = []
  const cancels: { id: string, key: string | null, body: unknown }[] = []
  server.use(
    http.get('*/api/v1/session', () => HttpResponse.json(resident)),
    http.get('*/api/v1/family/links', () => HttpResponse.json(links)),
    http.get('*/api/v1/cross-region/filings', ({ request }) => {
      asked.push(new URL(request.url).searchParams.get('member'))
      return HttpResponse.json(lists.length > 1 ? lists.shift()! : lists[0]!)
    }),
    http.post('*/api/v1/cross-region/filings/:id/cancel', async ({ request, params }) => {
      cancels.push({ id: String(params.id), key: request.headers.get('idempotency-key'), body: await request.json() })
      return cancelReply ? cancelReply() : HttpResponse.json(filing({ status: 'cancelled', canChange: false }))
    }),
  )
  return { asked, cancels }
}

async function mountAt(to: string | { path: string, state: Record<string, string> }) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/cross-region', component: CrossRegionPage },
      { path: '/cross-region/new', component: { render: () => h('p', { 'data-testid': 'cr-form-page' }, 'form') } },
    ],
  })
  await router.push(to)
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('CrossRegionPage (异地就医备案)', () => {
  it('is the built 异地就医备案 service', () => {
    expect(serviceRoute('crossRegion')).toBe('/cross-region')
  })

  it('explains who files, lists filings with status, place, dates and 代办人, and says when one is locked', async () => {
    bff([{ insuredRegion: '370502', rules: RULES, filings: [filing(), locked, expired, cancelled] }])
    const { wrapper } = await mountAt('/cross-region')
    expect(wrapper.findAll('h1')).toHaveLength(1)
    expect(wrapper.get('h1').text()).toBe('异地就医备案')
    const guide = wrapper.get('[data-testid="cr-guide"]').text()
    expect(guide).toContain('急诊抢救视同已备案，无需办理')
    expect(guide).toContain('长期有效')
    expect(guide).toContain('有效期6个月')
    expect(guide).toContain('凭居住证明（如居住证）或个人承诺办理')
    expect(wrapper.get('[data-testid="cr-guide-dates"]').text())
      .toBe('开始日期最晚可选今天后180天。就医后补办的，出院结算前均可办理，不限天数（医保发〔2022〕22号）。')
    expect(guide).toContain('凭居住证明办理的，可随时变更或撤销')
    expect(wrapper.get('[data-testid="cr-insured-region"]').text()).toBe('参保地：山东省 东营市')

    const items = wrapper.findAll('[data-testid="cr-filing"]')
    expect(items).toHaveLength(4)
    expect(wrapper.findAll('[data-testid="cr-status"]').map(s => s.text())).toEqual(['未开始', '有效', '已过期', '已撤销'])
    expect(items[0]!.text()).toContain('其他临时外出就医人员')
    expect(items[0]!.text()).toContain('就医地：海南省 三亚市')
    expect(items[0]!.get('[data-testid="cr-period"]').text()).toBe('有效期：2026-12-01 至 2027-05-31')
    expect(items[0]!.find('[data-testid="cr-agent"]').exists()).toBe(false)
    expect(items[0]!.find('[data-testid="cr-change"]').exists()).toBe(true)
    expect(items[0]!.find('[data-testid="cr-cancel"]').exists()).toBe(true)

    expect(items[1]!.text()).toContain('就医地：广东省 深圳市')
    expect(items[1]!.get('[data-testid="cr-period"]').text()).toBe('有效期：2026-09-01 至 长期有效')
    expect(items[1]!.get('[data-testid="cr-agent"]').text()).toBe('代办人：王*')
    expect(items[1]!.get('[data-testid="cr-locked"]').text()).toBe('承诺制长期备案 2027-03-01 前不能变更或撤销')
    expect(items[1]!.get('[data-testid="cr-basis"]').text()).toBe('办理方式：个人承诺')
    expect(items[1]!.find('[data-testid="cr-change"]').exists()).toBe(false)
    expect(items[1]!.find('[data-testid="cr-cancel"]').exists()).toBe(false)

    expect(items[2]!.text()).toContain('就医地：北京市')
    // A cancelled filing says when and why; others say neither.
    expect(items[3]!.get('[data-testid="cr-cancelled-at"]').text()).toBe('撤销时间：2025-09-03 10:12')
    expect(items[3]!.get('[data-testid="cr-cancelled-reason"]').text()).toBe('撤销原因：已返回参保地工作')
    for (const item of items.slice(0, 3))
      expect(item.find('[data-testid="cr-cancelled-at"]').exists()).toBe(false)
    for (const item of items.slice(2)) {
      expect(item.find('[data-testid="cr-change"]').exists()).toBe(false)
      expect(item.find('[data-testid="cr-locked"]').exists()).toBe(false)
    }
    // One is in force: no 新增备案, a note instead.
    expect(wrapper.find('[data-testid="cr-new"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="cr-has-valid"]').text()).toContain('已有有效的备案')
    wrapper.unmount()
  })

  it('shows a filing on a 居住证明 with its masked number, changeable at once, and a 参保地\'s stricter 补办 rule', async () => {
    const local = { ...RULES, minStartDate: '2026-10-24', backdateDays: 30, backdateSource: '某市经办规程 第八条' }
    bff([{ insuredRegion: '370502', rules: local, filings: [onProof] }])
    const { wrapper } = await mountAt('/cross-region')
    const item = wrapper.get('[data-testid="cr-filing"]')
    expect(item.get('[data-testid="cr-basis"]').text()).toBe('办理方式：居住证明（居住证 A4*************12）')
    expect(item.find('[data-testid="cr-locked"]').exists()).toBe(false)
    expect(item.find('[data-testid="cr-change"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="cr-guide-dates"]').text()).toBe('开始日期可选今天前30天至今天后180天（参保地规定：某市经办规程 第八条）。')
    wrapper.unmount()
  })

  it('for a family member: asks for their filings, links 变更 and 新增备案 with ?member=', async () => {
    const { asked } = bff([{ insuredRegion: '370502', rules: RULES, filings: [expired] }])
    const { wrapper, router } = await mountAt(`/cross-region?member=${MEMBER}`)
    expect(asked).toEqual([MEMBER])
    expect(wrapper.get('[data-testid="member-option"]').attributes('aria-pressed')).toBe('true')
    expect(wrapper.find('[data-testid="cr-has-valid"]').exists()).toBe(false)
    await wrapper.get('[data-testid="cr-new"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe(`/cross-region/new?member=${MEMBER}`)

    bff([{ insuredRegion: '370502', rules: RULES, filings: [filing()] }])
    const again = await mountAt(`/cross-region?member=${MEMBER}`)
    await again.wrapper.get('[data-testid="cr-change"]').trigger('click')
    await flushPromises()
    expect(again.router.currentRoute.value.path).toBe('/cross-region/new')
    expect(again.router.currentRoute.value.query).toEqual({ change: filing().id, member: MEMBER })
    again.wrapper.unmount()
    wrapper.unmount()
  })

  it('says 暂无 when there are none, and switching to oneself asks again', async () => {
    const { asked } = bff([{ insuredRegion: '370502', rules: RULES, filings: [] }])
    const { wrapper, router } = await mountAt(`/cross-region?member=${MEMBER}`)
    expect(wrapper.get('[data-testid="cr-empty"]').text()).toBe('暂无异地就医备案')
    await wrapper.get('[data-testid="member-self"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/cross-region')
    expect(asked).toEqual([MEMBER, null])
    await wrapper.get('[data-testid="cr-new"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/cross-region/new')
    wrapper.unmount()
  })

  it('撤销备案 asks the reason, sends it with an Idempotency-Key, reloads the list and announces it', async () => {
    const { asked, cancels } = bff([
      { insuredRegion: '370502', rules: RULES, filings: [filing()] },
      { insuredRegion: '370502', rules: RULES, filings: [filing({ status: 'cancelled', canChange: false })] },
    ])
    const { wrapper } = await mountAt(`/cross-region?member=${MEMBER}`)
    const announce = wrapper.get('[data-testid="cr-announce"]')
    expect(announce.attributes('role')).toBe('status')
    expect(announce.text()).toBe('')

    await wrapper.get('[data-testid="cr-cancel"]').trigger('click')
    const reason = wrapper.get('[data-testid="cr-cancel-reason"]')
    expect(wrapper.get(`label[for="${reason.attributes('id')}"]`).text()).toBe('撤销原因')
    await wrapper.get('[data-testid="cr-cancel-confirm"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="cr-cancel-reason-error"]').text()).toBe('请填写撤销原因（至少2个字）')
    expect(reason.attributes('aria-describedby')).toBe(wrapper.get('[data-testid="cr-cancel-reason-error"]').attributes('id'))
    expect(cancels).toHaveLength(0)

    await reason.setValue('已回参保地居住')
    expect(wrapper.find('[data-testid="cr-cancel-reason-error"]').exists()).toBe(false)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(cancels).toHaveLength(1)
    expect(cancels[0]!.id).toBe(filing().id)
    expect(cancels[0]!.body).toEqual({ memberId: MEMBER, reason: '已回参保地居住' })
    expect(cancels[0]!.key).toMatch(/^[\w-]{20,255}$/)
    expect(asked).toEqual([MEMBER, MEMBER])
    expect(wrapper.get('[data-testid="cr-status"]').text()).toBe('已撤销')
    expect(wrapper.find('[data-testid="cr-cancel"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="cr-announce"]').text()).toBe('备案已撤销')
    expect(wrapper.find('[data-testid="cr-new"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('a failed cancellation shows the message and is retried with the SAME key; a 409 is not', async () => {
    const replies = [
      () => HttpResponse.json({ error: { code: 'UPSTREAM_TIMEOUT', message: '医保信息平台响应超时，请稍后再试', requestId: 'req-3' } } satisfies ApiErrorBody, { status: 504 }),
      () => HttpResponse.json({ error: { code: 'CROSS_REGION_LOCKED', message: '以个人承诺方式办理的长期居住备案，自开始之日起6个月内不能变更或撤销', requestId: 'req-4' } } satisfies ApiErrorBody, { status: 409 }),
    ]
    const { cancels } = bff([{ insuredRegion: '370502', rules: RULES, filings: [filing()] }], () => replies.shift()!())
    const { wrapper } = await mountAt('/cross-region')
    await wrapper.get('[data-testid="cr-cancel"]').trigger('click')
    await wrapper.get('[data-testid="cr-cancel-reason"]').setValue('行程取消')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="cr-cancel-error"]').text()).toContain('医保信息平台响应超时，请稍后再试')
    expect(wrapper.get('[data-testid="cr-cancel-confirm"]').text()).toContain('重试')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(cancels).toHaveLength(2)
    expect(cancels[1]!.key).toBe(cancels[0]!.key)
    expect(cancels[0]!.body).toEqual({ reason: '行程取消' })
    expect(wrapper.get('[data-testid="cr-cancel-error"]').text()).toContain('自开始之日起6个月内不能变更或撤销')
    expect(wrapper.get('[data-testid="cr-cancel-confirm"]').text()).toBe('确认撤销')
    expect(wrapper.get('[data-testid="cr-announce"]').text()).toBe('')
    wrapper.unmount()
  })

  it('announces a filing made on the form page, once the list shows it', async () => {
    bff([{ insuredRegion: '370502', rules: RULES, filings: [filing()] }])
    const { wrapper } = await mountAt({ path: '/cross-region', state: { crossRegionDone: 'filed' } })
    expect(wrapper.get('[data-testid="cr-announce"]').text()).toBe('备案已办理成功')
    wrapper.unmount()
  })

  it('shows the Chinese error with a retry when the list cannot be had', async () => {
    server.use(
      http.get('*/api/v1/family/links', () => HttpResponse.json(links)),
      http.get('*/api/v1/cross-region/filings', () => HttpResponse.json({ error: { code: 'CROSS_REGION_NOT_ENROLLED', message: '未查询到有效的基本医疗保险参保信息，不能办理异地就医备案', requestId: 'req-5' } } satisfies ApiErrorBody, { status: 409 })),
    )
    const { wrapper } = await mountAt('/cross-region')
    expect(wrapper.get('[data-testid="cr-load-error"]').text()).toContain('不能办理异地就医备案')
    expect(wrapper.find('[data-testid="cr-new"]').exists()).toBe(false)
    bff([{ insuredRegion: '370502', rules: RULES, filings: [] }])
    await wrapper.get('[data-testid="cr-load-error"] button').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="cr-empty"]').text()).toBe('暂无异地就医备案')
    wrapper.unmount()
  })
})
