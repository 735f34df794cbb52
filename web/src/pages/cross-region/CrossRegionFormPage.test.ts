import type { ApiErrorBody, FamilyLinkView, SessionView } from '@yibao/shared'
import type { VueWrapper } from '@vue/test-utils'
import type { FilingsView, FilingView } from './types'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import CrossRegionFormPage from './CrossRegionFormPage.vue'

const resident: SessionView = { authenticated: true, kind: 'resident', csrfToken: 'csrf', resident: { name: '王**', certNo: '370502********2021', regionCode: '370502' }, pending: null, staff: null, sandboxSmsInbox: null, sandboxWechatPay: null }
const MEMBER = '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5'
const FILING = '37050220261101000123'
const links: FamilyLinkView[] = [{ id: MEMBER, name: '刘**', certNo: '370502********0825', relation: 'parent', relationLabel: '父母', status: 'active', createdAt: '2026-11-01T00:00:00.000Z' }]

function filing(over: Partial<FilingView> = {}): FilingView {
  return {
    id: FILING,
    type: 'referral',
    typeLabel: '异地转诊就医人员',
    destination: '370212',
    startDate: '2026-11-01',
    endDate: '2027-04-30',
    status: 'valid',
    longTerm: false,
    promise: false,
    basis: null,
    basisLabel: null,
    residenceProof: null,
    address: null,
    referralHospital: '东营市人民医院',
    phone: '139****5678',
    agentName: null,
    source: 'app',
    createdAt: '2026-11-01 09:00:00',
    cancelledAt: null,
    cancelReason: null,
    lockedUntil: null,
    canChange: true,
    ...over,
  }
}
/** The 参保地's rules as the BFF gives them on 2026-11-23: the national 补办 (no day count), 180 days ahead. */
const NATIONAL_RULES: FilingsView['rules'] = {
  today: '2026-11-23',
  minStartDate: null,
  maxStartDate: '2027-05-22',
  backdateDays: null,
  backdateSource: '医保发〔2022〕22号：参保人员出院结算前补办异地就医备案的，就医地联网定点医疗机构应为其办理直接结算（补办不设天数限制）',
  backdateAssumed: false,
  temporaryMonths: 6,
  promiseLockMonths: 6,
}
function created(over: Partial<FilingView> = {}): FilingView {
  return filing({ id: '37050220261123000456', type: 'temporary', typeLabel: '其他临时外出就医人员', destination: '440300', startDate: '2026-11-23', endDate: '2027-05-22', referralHospital: null, ...over })
}
function errorBody(code: ApiErrorBody['error']['code'], message: string, fields?: Record<string, string>): ApiErrorBody {
  return { error: { code, message, requestId: 'req-7', ...(fields && { fields }) } }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => {
  setActivePinia(createPinia())
  // The phone's clock is a year off: the form takes the day from the BFF (2026-11-23).
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2025-11-23T10:00:00+08:00'))
})
afterEach(() => {
  server.resetHandlers()
  vi.useRealTimers()
  document.body.innerHTML = ''
})
afterAll(() => server.close())

const posts: { path: string, key: string | null, body: unknown }[] = []
let replies: Array<() => Response> = []

function bff(list: FilingsView = { insuredRegion: '370502', rules: NATIONAL_RULES, filings: [] }) {
  posts.length = 0
  const lists: (string | null)[] = []
  server.use(
    http.get('*/api/v1/session', () => HttpResponse.json(resident)),
    http.get('*/api/v1/family/links', () => HttpResponse.json(links)),
    http.get('*/api/v1/cross-region/filings', ({ request }) => {
      lists.push(new URL(request.url).searchParams.get('member'))
      return HttpResponse.json(list)
    }),
    http.post('*/api/v1/cross-region/filings', async ({ request }) => {
      posts.push({ path: new URL(request.url).pathname, key: request.headers.get('idempotency-key'), body: await request.json() })
      return replies.shift()!()
    }),
    http.post('*/api/v1/cross-region/filings/:id/change', async ({ request }) => {
      posts.push({ path: new URL(request.url).pathname, key: request.headers.get('idempotency-key'), body: await request.json() })
      return replies.shift()!()
    }),
  )
  return lists
}

async function mountAt(url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/cross-region/new', component: CrossRegionFormPage },
      { path: '/cross-region', component: { render: () => h('p', { 'data-testid': 'cr-list-page' }, 'list') } },
    ],
  })
  await router.push(url)
  const wrapper = mount({ render: () => h(RouterView) }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

/** Opens the 就医地 popup, taps a province and a city, and confirms. */
async function chooseArea(wrapper: VueWrapper, province: string, city: string) {
  await wrapper.get('[data-testid="cr-destination"]').trigger('click')
  await flushPromises()
  const columns = () => wrapper.findAll('.van-picker-column')
  expect(columns()).toHaveLength(2)
  await columns()[0]!.findAll('li').find(li => li.text() === province)!.trigger('click')
  await flushPromises()
  await columns()[1]!.findAll('li').find(li => li.text() === city)!.trigger('click')
  await flushPromises()
  await wrapper.get('.van-picker__confirm').trigger('click')
  await flushPromises()
}

async function submit(wrapper: VueWrapper) {
  await wrapper.get('[data-testid="cr-submit"]').trigger('click')
  await flushPromises()
}

describe('CrossRegionFormPage (办理异地就医备案)', () => {
  it('requires the type, 就医地 and phone, and for 异地长期居住 the address and a basis, before asking the BFF', async () => {
    bff()
    const { wrapper, router } = await mountAt('/cross-region/new')
    expect(wrapper.findAll('h1')).toHaveLength(1)
    expect(wrapper.get('h1').text()).toBe('办理异地就医备案')
    expect(wrapper.get('fieldset legend').text()).toBe('备案类型')
    expect(wrapper.findAll('fieldset input[type="radio"]')).toHaveLength(5)
    expect(wrapper.get('fieldset').text()).toContain('凭居住证明或个人承诺办理，长期有效')
    const start = wrapper.get<HTMLInputElement>('[data-testid="cr-start"]')
    expect(start.element.value).toBe('2026-11-23')
    // 医保发〔2022〕22号: 补办 until 出院结算, no earliest day.
    expect(start.attributes('min')).toBeUndefined()
    expect(start.attributes('max')).toBe('2027-05-22')
    expect(wrapper.get('[data-testid="cr-start-hint"]').text()).toBe('最晚可选 2027-05-22；就医后补办的，出院结算前均可补办，不限天数')
    expect(wrapper.get(`label[for="${start.attributes('id')}"]`).text()).toBe('开始日期')
    expect(wrapper.get('[data-testid="cr-validity"]').text()).toBe('请先选择备案类型')
    expect(wrapper.get('[data-testid="cr-destination"]').text()).toContain('请选择省份和城市')

    await submit(wrapper)
    expect(wrapper.get('[data-testid="cr-type-error"]').text()).toBe('请选择备案类型')
    expect(wrapper.get('[data-testid="cr-destination-error"]').text()).toBe('请选择就医地')
    expect(wrapper.get('[data-testid="cr-phone-error"]').text()).toBe('请输入11位手机号码')
    expect(wrapper.get('fieldset').attributes('aria-describedby')).toBe(wrapper.get('[data-testid="cr-type-error"]').attributes('id'))
    expect(wrapper.get('[data-testid="cr-destination"]').attributes('aria-invalid')).toBe('true')

    // 异地长期居住: the address and the choice of 居住证明 or 个人承诺 appear, required with the rest (all at once).
    await wrapper.get('[data-testid="cr-type-long_term_resident"]').setValue(true)
    expect(wrapper.find('[data-testid="cr-type-error"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="cr-validity"]').text()).toBe('长期有效')
    expect(wrapper.get('[data-testid="cr-basis"]').text()).toContain('凭居住证、房产证等居住证明办理，可随时变更或撤销')
    expect(wrapper.get('[data-testid="cr-basis"]').text()).toContain('没有居住证明的，凭个人承诺办理，自开始之日起6个月内不能变更或撤销')
    expect(wrapper.find('[data-testid="cr-promise"]').exists()).toBe(false)
    await submit(wrapper)
    expect(wrapper.get('[data-testid="cr-destination-error"]').text()).toBe('请选择就医地')
    expect(wrapper.get('[data-testid="cr-address-error"]').text()).toBe('请填写异地居住地址（至少5个字）')
    expect(wrapper.get('[data-testid="cr-basis-error"]').text()).toBe('请选择办理方式：居住证明或个人承诺')
    await wrapper.get('[data-testid="cr-basis-promise"]').setValue(true)
    expect(wrapper.find('[data-testid="cr-basis-error"]').exists()).toBe(false)
    const promiseText = wrapper.get('[data-testid="cr-promise"]').element.closest('label')!.textContent
    expect(promiseText).toContain('我承诺在就医地连续居住半年以上，所填信息真实有效，如有虚假愿承担相应责任')

    await chooseArea(wrapper, '广东省', '深圳市')
    expect(wrapper.get('[data-testid="cr-destination"]').text()).toContain('广东省 深圳市')
    await wrapper.get('[data-testid="cr-phone"]').setValue('13912345678')
    // A start before today is a 补办: the form asks whether the stay is settled yet.
    expect(wrapper.find('[data-testid="cr-unsettled"]').exists()).toBe(false)
    await wrapper.get('[data-testid="cr-start"]').setValue('2026-03-01')
    expect(wrapper.get('[data-testid="cr-late"]').text()).toContain('出院结算前可以补办')
    await submit(wrapper)
    expect(wrapper.find('[data-testid="cr-destination-error"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="cr-address-error"]').text()).toBe('请填写异地居住地址（至少5个字）')
    expect(wrapper.get('[data-testid="cr-promise-error"]').text()).toBe('请阅读并勾选个人承诺')
    expect(wrapper.find('[data-testid="cr-start-error"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="cr-unsettled-error"]').text()).toBe('补办备案须在出院结算前办理，请确认本次就医尚未出院结算')

    expect(posts).toHaveLength(0)
    expect(router.currentRoute.value.path).toBe('/cross-region/new')
    wrapper.unmount()
  })

  it('sends the filing for a family member with an Idempotency-Key, retries with the SAME key, then goes back to the list', async () => {
    const lists = bff()
    replies = [
      () => HttpResponse.json(errorBody('UPSTREAM_UNAVAILABLE', '医保部门系统暂时无法访问，请稍后再试'), { status: 502 }),
      () => HttpResponse.json(created(), { status: 201 }),
    ]
    const { wrapper, router } = await mountAt(`/cross-region/new?member=${MEMBER}`)
    expect(wrapper.get('[data-testid="cr-for-whom"]').text()).toBe('为刘**（父母）办理')
    // The list is read for the member's 参保地 rules.
    expect(lists).toEqual([MEMBER])
    await wrapper.get('[data-testid="cr-type-temporary"]').setValue(true)
    expect(wrapper.get('[data-testid="cr-validity"]').text()).toBe('至 2027-05-22')
    expect(wrapper.find('[data-testid="cr-address"]').exists()).toBe(false)
    await chooseArea(wrapper, '广东省', '深圳市')
    await wrapper.get('[data-testid="cr-phone"]').setValue(' 13912345678 ')
    await submit(wrapper)
    expect(posts).toHaveLength(1)
    expect(posts[0]!.path).toBe('/api/v1/cross-region/filings')
    expect(posts[0]!.body).toEqual({ memberId: MEMBER, type: 'temporary', destination: '440300', startDate: '2026-11-23', phone: '13912345678' })
    expect(posts[0]!.key).toMatch(/^[\w-]{20,255}$/)
    expect(wrapper.get('[data-testid="cr-error"]').text()).toContain('医保部门系统暂时无法访问，请稍后再试')
    expect(wrapper.get('[data-testid="cr-submit"]').text()).toContain('重试')
    expect(router.currentRoute.value.path).toBe('/cross-region/new')

    await submit(wrapper)
    expect(posts).toHaveLength(2)
    expect(posts[1]!.key).toBe(posts[0]!.key)
    expect(router.currentRoute.value.fullPath).toBe(`/cross-region?member=${MEMBER}`)
    expect(wrapper.find('[data-testid="cr-list-page"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the BFF\'s field messages under their fields and a 409\'s message, and makes the next tap a new request', async () => {
    bff()
    replies = [
      () => HttpResponse.json(errorBody('VALIDATION_FAILED', '填写的信息有误', {
        destination: '就医地暂不支持办理备案，请选择其他城市',
        startDate: '开始日期最晚可选2027-05-22',
      }), { status: 400 }),
      () => HttpResponse.json(errorBody('CROSS_REGION_REJECTED', '备案未成功：该人员已有有效的异地就医备案'), { status: 409 }),
      () => HttpResponse.json(created({ type: 'long_term_resident', typeLabel: '异地长期居住人员', endDate: null, promise: true, address: '广东省深圳市宝安区西乡街道固戍社区' }), { status: 201 }),
    ]
    const { wrapper, router } = await mountAt('/cross-region/new')
    await wrapper.get('[data-testid="cr-type-long_term_resident"]').setValue(true)
    await chooseArea(wrapper, '山东省', '青岛市')
    await wrapper.get('[data-testid="cr-phone"]').setValue('13912345678')
    await wrapper.get('[data-testid="cr-address"]').setValue('广东省深圳市宝安区西乡街道固戍社区')
    await wrapper.get('[data-testid="cr-basis-promise"]').setValue(true)
    await wrapper.get('[data-testid="cr-promise"]').setValue(true)
    await submit(wrapper)
    expect(posts[0]!.body).toEqual({
      type: 'long_term_resident',
      destination: '370200',
      startDate: '2026-11-23',
      phone: '13912345678',
      address: '广东省深圳市宝安区西乡街道固戍社区',
      basis: 'promise',
      promise: true,
    })
    expect(wrapper.get('[data-testid="cr-destination-error"]').text()).toBe('就医地暂不支持办理备案，请选择其他城市')
    expect(wrapper.get('[data-testid="cr-start-error"]').text()).toBe('开始日期最晚可选2027-05-22')
    expect(wrapper.get('[data-testid="cr-submit"]').text()).toBe('提交备案')

    await chooseArea(wrapper, '广东省', '深圳市')
    expect(wrapper.find('[data-testid="cr-destination-error"]').exists()).toBe(false)
    await submit(wrapper)
    expect(posts).toHaveLength(2)
    expect(posts[1]!.key).not.toBe(posts[0]!.key)
    const alert = wrapper.get('[data-testid="cr-error"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toContain('备案未成功：该人员已有有效的异地就医备案')
    // The person can act on a 409: no request id for them to copy.
    expect(alert.text()).not.toContain('req-7')
    expect(wrapper.get('[data-testid="cr-submit"]').text()).toBe('提交备案')
    expect(router.currentRoute.value.path).toBe('/cross-region/new')

    await submit(wrapper)
    expect(posts).toHaveLength(3)
    expect(posts[2]!.key).not.toBe(posts[1]!.key)
    expect(router.currentRoute.value.fullPath).toBe('/cross-region')
    wrapper.unmount()
  })

  it('refuses a 就医地 inside one\'s own 统筹区 in the browser, in the BFF\'s words, before asking it', async () => {
    bff()
    const { wrapper } = await mountAt('/cross-region/new')
    await wrapper.get('[data-testid="cr-type-temporary"]').setValue(true)
    // 参保地 370502 (东营市东营区): 东营市 (3705…) is the same 统筹区.
    await chooseArea(wrapper, '山东省', '东营市')
    await wrapper.get('[data-testid="cr-phone"]').setValue('13912345678')
    await submit(wrapper)
    expect(posts).toHaveLength(0)
    expect(wrapper.get('[data-testid="cr-destination-error"]').text()).toBe('就医地不能是参保地所在统筹区，请选择其他城市')
    expect(wrapper.get('[data-testid="cr-destination"]').attributes('aria-invalid')).toBe('true')
    // Another city of the same province is another 统筹区: it goes.
    replies = [() => HttpResponse.json(created(), { status: 201 })]
    await chooseArea(wrapper, '山东省', '青岛市')
    expect(wrapper.find('[data-testid="cr-destination-error"]').exists()).toBe(false)
    await submit(wrapper)
    expect(posts).toHaveLength(1)
    wrapper.unmount()
  })

  it('changes a filing: prefilled from it, sent to its change endpoint', async () => {
    const lists = bff({ insuredRegion: '370502', rules: NATIONAL_RULES, filings: [filing()] })
    replies = [() => HttpResponse.json(created(), { status: 201 })]
    const { wrapper, router } = await mountAt(`/cross-region/new?change=${FILING}`)
    expect(lists).toEqual([null])
    expect(wrapper.get('h1').text()).toBe('变更异地就医备案')
    expect(wrapper.get('[data-testid="cr-original"]').text()).toContain('原备案：异地转诊就医人员，山东省 青岛市')
    expect(wrapper.get<HTMLInputElement>('[data-testid="cr-type-referral"]').element.checked).toBe(true)
    expect(wrapper.get('[data-testid="cr-destination"]').text()).toContain('山东省 青岛市')
    expect(wrapper.get<HTMLInputElement>('[data-testid="cr-start"]').element.value).toBe('2026-11-01')
    expect(wrapper.get<HTMLInputElement>('[data-testid="cr-referral"]').element.value).toBe('东营市人民医院')
    expect(wrapper.get<HTMLInputElement>('[data-testid="cr-phone"]').element.value).toBe('')
    expect(wrapper.text()).toContain('原联系电话（139****5678）')
    expect(wrapper.get('[data-testid="cr-submit"]').text()).toBe('提交变更')
    // The days the old filing covered are no 补办: nothing to confirm.
    expect(wrapper.find('[data-testid="cr-unsettled"]').exists()).toBe(false)

    await chooseArea(wrapper, '北京市', '北京市')
    await wrapper.get('[data-testid="cr-phone"]').setValue('13912345678')
    await submit(wrapper)
    expect(posts).toHaveLength(1)
    expect(posts[0]!.path).toBe(`/api/v1/cross-region/filings/${FILING}/change`)
    expect(posts[0]!.body).toEqual({ type: 'referral', destination: '110100', startDate: '2026-11-01', phone: '13912345678', referralHospital: '东营市人民医院' })
    expect(router.currentRoute.value.fullPath).toBe('/cross-region')
    wrapper.unmount()
  })

  it('says so when the filing to change is not there (or cannot be changed), with the way back', async () => {
    const lockedOne = filing({ canChange: false, lockedUntil: '2027-05-01' })
    bff({ insuredRegion: '370502', rules: NATIONAL_RULES, filings: [lockedOne] })
    const { wrapper } = await mountAt(`/cross-region/new?change=${FILING}`)
    expect(wrapper.get('[data-testid="cr-unknown"]').text()).toContain('没有找到可以变更的备案')
    expect(wrapper.find('[data-testid="cr-submit"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="cr-to-list"]').attributes('href')).toBe('/cross-region')
    wrapper.unmount()
  })

  it('医保发〔2022〕22号: files 异地长期居住 on a 居住证明 and a 补办 once the stay is confirmed unsettled', async () => {
    bff()
    const onProof = created({
      type: 'long_term_resident',
      typeLabel: '异地长期居住人员',
      endDate: null,
      basis: 'residence_proof',
      basisLabel: '居住证明',
      residenceProof: { kind: 'residence_permit', kindLabel: '居住证', number: '44**************12' },
    })
    replies = [() => HttpResponse.json(onProof, { status: 201 })]
    const { wrapper, router } = await mountAt('/cross-region/new')
    await wrapper.get('[data-testid="cr-type-long_term_resident"]').setValue(true)
    await chooseArea(wrapper, '广东省', '深圳市')
    await wrapper.get('[data-testid="cr-phone"]').setValue('13912345678')
    await wrapper.get('[data-testid="cr-address"]').setValue('广东省深圳市宝安区西乡街道固戍社区')
    await wrapper.get('[data-testid="cr-basis-residence_proof"]').setValue(true)
    expect(wrapper.find('[data-testid="cr-promise"]').exists()).toBe(false)
    await wrapper.get('[data-testid="cr-proof-number"]').setValue('44 03')
    // 200 days back: no day count, only the confirmation.
    await wrapper.get('[data-testid="cr-start"]').setValue('2026-05-07')
    await submit(wrapper)
    expect(wrapper.get('[data-testid="cr-proof-kind-error"]').text()).toBe('请选择居住证明类型')
    expect(wrapper.get('[data-testid="cr-proof-number-error"]').text()).toBe('居住证明编号应为4–30位字母、数字或“-”')
    expect(wrapper.get('[data-testid="cr-unsettled-error"]').text()).toBe('补办备案须在出院结算前办理，请确认本次就医尚未出院结算')
    expect(wrapper.get('[data-testid="cr-proof-number"]').attributes('aria-invalid')).toBe('true')
    expect(posts).toHaveLength(0)

    await wrapper.get('[data-testid="cr-proof-kind"]').setValue('residence_permit')
    await wrapper.get('[data-testid="cr-proof-number"]').setValue(' 440305199001011212 ')
    await wrapper.get('[data-testid="cr-unsettled"]').setValue(true)
    expect(wrapper.find('[data-testid="cr-proof-kind-error"]').exists()).toBe(false)
    await submit(wrapper)
    expect(posts[0]!.body).toEqual({
      type: 'long_term_resident',
      destination: '440300',
      startDate: '2026-05-07',
      phone: '13912345678',
      address: '广东省深圳市宝安区西乡街道固戍社区',
      basis: 'residence_proof',
      residenceProof: { kind: 'residence_permit', number: '440305199001011212' },
      unsettled: true,
    })
    expect(router.currentRoute.value.fullPath).toBe('/cross-region')
    wrapper.unmount()
  })

  it('keeps a 参保地\'s stricter 补办 rule the BFF gives (earliest day, hint and message with its days)', async () => {
    const local = { ...NATIONAL_RULES, minStartDate: '2026-10-24', backdateDays: 30, backdateSource: '某市经办规程 第八条' }
    bff({ insuredRegion: '370502', rules: local, filings: [] })
    const { wrapper } = await mountAt('/cross-region/new')
    const start = wrapper.get('[data-testid="cr-start"]')
    expect(start.attributes('min')).toBe('2026-10-24')
    expect(wrapper.get('[data-testid="cr-start-hint"]').text()).toBe('可选 2026-10-24 至 2027-05-22（参保地规定补办限30天内）')
    await wrapper.get('[data-testid="cr-type-temporary"]').setValue(true)
    await start.setValue('2026-10-23')
    await submit(wrapper)
    expect(wrapper.get('[data-testid="cr-start-error"]').text()).toBe('开始日期最早可选2026-10-24（参保地规定补办限30天内）')
    expect(posts).toHaveLength(0)
    wrapper.unmount()
  })
})
