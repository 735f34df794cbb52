import type { ApiErrorBody, FamilyLinkView } from '@yibao/shared'
import type { CoverageView } from './types'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '../../i18n'
import { serviceRoute } from '../../services'
import CoveragePage from './CoveragePage.vue'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

/** The BFF's answer for an ordinary Dongying adult (as the route returns it). */
const self: CoverageView = {
  subject: { channel: 'self', linkId: null },
  stale: false,
  asOf: '2026-11-22T12:00:00.000+08:00',
  person: { name: '王**', certNo: '370502********2021', age: 58, regionCode: '370502' },
  year: 2026,
  current: { status: 'active', statusLabel: '正常参保', insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', regionCode: '370502', since: '2016-01-01', benefitPeriod: { from: '2026-01-01', to: '2026-12-31' }, waitingPeriod: null },
  enrolments: [{ insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', status: 'active', statusLabel: '正常参保', since: '2016-01-01', pausedOn: null, regionCode: '370502', balance: 0, unitName: null }],
  years: [
    { year: 2026, status: 'active', statusLabel: '正常参保', insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', regionCode: '370502', paid: true, amount: 40_000, paidAt: '2025-12-20T19:30:00.000+08:00', fullyFunded: false, benefitPeriod: { from: '2026-01-01', to: '2026-12-31' }, waitingPeriod: null },
    { year: 2025, status: 'suspended', statusLabel: '暂停参保', insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', regionCode: '370502', paid: false, amount: 40_000, paidAt: null, fullyFunded: false, benefitPeriod: null, waitingPeriod: null },
  ],
  entitlements: {
    policyId: 'dongying-2020',
    policyTitle: '东营市2020年城乡居民基本医疗保障政策',
    policyRegion: '山东省东营市',
    document: '东医保发〔2020〕56号',
    appliedStatus: null,
    appliedStatusLabel: null,
    basic: { annualCap: 25_000_000, levels: [{ level: 1, deductible: 20_000, rate: 0.85 }, { level: 2, deductible: 50_000, rate: 0.75 }, { level: 3, deductible: 100_000, rate: 0.6 }], povertyBonus: false },
    critical: { group: 'ordinary', threshold: 1_600_000, segments: [{ from: 1_600_000, to: 10_000_000, rate: 0.6 }, { from: 10_000_000, to: null, rate: 0.65 }], cap: 40_000_000 },
    assistance: { kind: 'none', rate: null, targetRatio: null, limit: null },
    hospitalOutOfListShare: null,
    referralFromLevel: null,
    assumed: true,
  },
  specialStatuses: [],
  chronic: [{ code: 'M03900', name: '高血压（两病）', since: '2019-03-01', until: null, twoDiseases: true, active: true }],
  usage: { year: 2026, basic: { paid: 806_629, cap: 25_000_000, remaining: 24_193_371 }, critical: { burden: 224_381, threshold: 1_600_000, toThreshold: 1_375_619, reached: false, paid: 0, cap: 40_000_000 }, assistance: null, inpatientTotal: 1_031_010, inpatientStays: 1 },
  nextYear: { year: 2027, status: 'unpaid', amount: 40_000, paidAt: null, fullyFunded: false },
}

/** A grandchild with a waiting period, a poverty status, assistance and next year paid. */
const child: CoverageView = {
  ...self,
  subject: { channel: 'family', linkId: 'link-1' },
  person: { name: '刘**', certNo: '370502********0825', age: 12, regionCode: '370502' },
  current: { ...self.current, category: 'student', categoryLabel: '中小学生', benefitPeriod: { from: '2026-07-15', to: '2026-12-31' }, waitingPeriod: { from: '2026-04-15', until: '2026-07-14', reason: 'late_payment', assumed: true } },
  entitlements: { ...self.entitlements!, appliedStatus: 'minimum_living', appliedStatusLabel: '低保对象', critical: { group: 'poverty', threshold: 500_000, segments: [{ from: 500_000, to: null, rate: 0.65 }], cap: null }, assistance: { kind: 'ratio', rate: 0.7, targetRatio: null, limit: 5_000_000 } },
  specialStatuses: [{ status: 'minimum_living', label: '低保对象', since: '2019-07-01', until: null }],
  chronic: [],
  usage: { ...self.usage!, critical: { burden: 600_000, threshold: 500_000, toThreshold: 0, reached: true, paid: 65_000, cap: null }, assistance: { paid: 12_345, limit: 5_000_000, remaining: 4_987_655 } },
  nextYear: { year: 2027, status: 'paid', amount: 30_000, paidAt: '2026-10-20T08:00:00.000+08:00', fullyFunded: false },
}

const links: FamilyLinkView[] = [
  { id: 'link-1', name: '刘**', certNo: '370502********0825', relation: 'grandchild', relationLabel: '孙子女/外孙子女', status: 'active', createdAt: '2026-11-01T00:00:00.000Z' },
  { id: 'link-2', name: '赵**', certNo: '610322********1021', relation: 'other', relationLabel: '其他亲属', status: 'pending_consent', createdAt: '2026-11-01T00:00:00.000Z' },
]

function bff(byMember: Record<string, CoverageView | ApiErrorBody>, statuses: Record<string, number> = {}) {
  const asked: (string | null)[] = []
  server.use(
    http.get('*/api/v1/family/links', () => HttpResponse.json(links)),
    http.get('*/api/v1/coverage', ({ request }) => {
      const member = new URL(request.url).searchParams.get('member')
      asked.push(member)
      const key = member ?? 'self'
      return HttpResponse.json(byMember[key], { status: statuses[key] ?? 200 })
    }),
  )
  return asked
}

async function mountPage(path = '/coverage') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/coverage', component: CoveragePage }, { path: '/services/:key', component: { template: '<p>pay</p>' } }, { path: '/pay', component: { template: '<p>pay</p>' } }] })
  await router.push(path)
  const wrapper = mount(CoveragePage, { global: { plugins: [i18n, router] } })
  await flushPromises()
  return { wrapper, router }
}

describe('CoveragePage (参保查询)', () => {
  it('on 10 January an unpaid new year is 待缴费, with a button to pay that year (issue 11)', async () => {
    const pending = { ...self.current, status: 'pending' as const, statusLabel: '待缴费', benefitPeriod: null }
    const unpaid = { paid: false, paidAt: null, benefitPeriod: null }
    const year2027 = { ...self.years[0]!, ...unpaid, year: 2027, status: 'pending' as const, statusLabel: '待缴费' }
    const nextYear = { year: 2028, status: 'not_open' as const, amount: null, paidAt: null, fullyFunded: false }
    bff({ self: { ...self, year: 2027, current: pending, years: [year2027, ...self.years], nextYear } })
    const { wrapper, router } = await mountPage()
    expect(wrapper.get('[data-testid="coverage-status"]').text()).toContain('待缴费')
    expect(wrapper.get('[data-testid="pending-year"]').text()).toContain('2027年度保费尚未缴纳（待缴费）')
    expect(wrapper.findAll('[data-testid="coverage-year"]')[0]!.text()).toContain('2027年度 待缴费')
    expect(wrapper.find('[data-testid="pay-next-year"]').exists()).toBe(false)
    await wrapper.get('[data-testid="pay-this-year"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe(`${serviceRoute('pay')}?year=2027`)
  })

  it('shows one\'s own enrolment, the three tiers in plain Chinese, usage with text, filings and a 去缴费 button', async () => {
    bff({ self })
    const { wrapper, router } = await mountPage()
    const text = wrapper.text()
    expect(wrapper.get('h1').text()).toBe('参保查询')
    expect(wrapper.get('[data-testid="coverage-status"]').text()).toContain('正常参保')
    expect(wrapper.get('[data-testid="coverage-benefit-period"]').text()).toContain('2026年1月1日 至 2026年12月31日')
    // Regions by name (GB/T 2260), not by code.
    expect(wrapper.get('[data-testid="coverage-region"]').text()).toContain('山东省东营市东营区')
    expect(wrapper.findAll('[data-testid="coverage-year"]')[0]!.text()).toContain('东营区')
    expect(wrapper.findAll('[data-testid="coverage-year"]')[0]!.text()).not.toContain('370502')
    expect(text).toContain('您按普通城乡居民享受待遇。')
    expect(wrapper.findAll('[data-testid="tier-basic-level"]').map(l => l.text())).toEqual([
      '一级医院：起付线200元，超过部分报销85%',
      '二级医院：起付线500元，超过部分报销75%',
      '三级医院：起付线1000元，超过部分报销60%',
    ])
    expect(wrapper.get('[data-testid="tier-critical"]').text()).toBe('一年内个人负担的合规医疗费用累计超过1.6万元后，超出部分分段报销：')
    expect(text).toContain('1.6万元至10万元：报销60%')
    expect(text).toContain('10万元以上：报销65%')
    expect(wrapper.get('[data-testid="tier-assistance"]').text()).toBe('您目前不属于医疗救助对象。')
    // Usage: the bar's meaning is in the text too.
    expect(wrapper.get('[data-testid="usage-basic"]').text()).toContain('¥8,066.29，年度限额¥250,000.00，还可支付¥241,933.71')
    expect(wrapper.get('[data-testid="usage-basic"]').text()).toContain('3%')
    expect(wrapper.get('[data-testid="usage-critical"]').text()).toContain('距起付线¥16,000.00还差¥13,756.19')
    expect(wrapper.find('[data-testid="usage-assistance"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="usage-stays"]').text()).toBe('今年住院1次，医疗费用合计¥10,310.10')
    expect(wrapper.get('[data-testid="chronic-filing"]').text()).toContain('两病用药保障')
    expect(wrapper.findAll('[data-testid="coverage-year"]').map(y => y.text())).toEqual([
      expect.stringContaining('2026年度 正常参保'),
      expect.stringContaining('2025年度 暂停参保'),
    ])
    expect(wrapper.get('[data-testid="next-year"]').text()).toContain('尚未缴费，应缴 ¥400.00')
    expect(wrapper.find('[data-testid="stale-banner"]').exists()).toBe(false)
    expect(text).toContain('无特殊身份记录')
    await wrapper.get('[data-testid="pay-next-year"]').trigger('click')
    await flushPromises()
    // The premium payment service (its own page once built).
    expect(router.currentRoute.value.path).toBe(serviceRoute('pay'))
  })

  it('lists only active family links in the switcher and shows the chosen member\'s coverage', async () => {
    const asked = bff({ 'self': self, 'link-1': child })
    const { wrapper, router } = await mountPage()
    const options = wrapper.findAll('[data-testid="member-option"]')
    expect(options.map(o => o.text())).toEqual(['刘**（孙子女/外孙子女）'])
    expect(wrapper.get('[data-testid="member-self"]').attributes('aria-pressed')).toBe('true')
    await options[0]!.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.member).toBe('link-1')
    expect(asked).toEqual([null, 'link-1'])
    expect(options[0]!.attributes('aria-pressed')).toBe('true')
    expect(wrapper.get('[data-testid="coverage-person"]').text()).toContain('刘**')
    expect(wrapper.get('[data-testid="waiting-period"]').text()).toContain('2026年4月15日 补缴后有3个月等待期，2026年7月14日 前发生的医疗费用基金不予支付，2026年7月15日 起享受待遇。')
    // The page speaks about the member, not to the reader as if they were the member.
    expect(wrapper.text()).toContain('刘**按“低保对象”身份享受倾斜政策')
    expect(wrapper.get('[data-testid="entitlements"]').text()).not.toContain('您')
    expect(wrapper.get('[data-testid="tier-assistance"]').text()).toBe('经基本医保、大病保险报销后，剩余的合规费用再救助70%。 医疗救助每年最多5万元。')
    expect(wrapper.get('[data-testid="usage-critical"]').text()).toContain('已超过起付线¥5,000.00，大病保险已支付¥650.00')
    expect(wrapper.get('[data-testid="usage-assistance"]').text()).toContain('¥123.45，年度限额¥50,000.00')
    expect(wrapper.get('[data-testid="next-year"]').text()).toContain('已缴费 ¥300.00')
    expect(wrapper.find('[data-testid="pay-next-year"]').exists()).toBe(false)
  })

  it('says how a child member is covered in the third person: 按城乡居民（少儿）, and no assistance in their name', async () => {
    const ordinaryChild: CoverageView = { ...child, entitlements: { ...self.entitlements!, appliedStatus: null, appliedStatusLabel: null } }
    bff({ 'self': self, 'link-1': ordinaryChild })
    const { wrapper } = await mountPage('/coverage?member=link-1')
    const card = wrapper.get('[data-testid="entitlements"]')
    expect(card.text()).toContain('刘**按城乡居民（少儿）享受待遇。')
    expect(wrapper.get('[data-testid="tier-assistance"]').text()).toBe('刘**目前不属于医疗救助对象。')
    expect(card.text()).not.toContain('您')
  })

  it('a minor looking at their own coverage reads 您按城乡居民（少儿）享受待遇', async () => {
    bff({ self: { ...self, current: { ...self.current, category: 'preschool', categoryLabel: '学龄前儿童' } } })
    const { wrapper } = await mountPage()
    expect(wrapper.get('[data-testid="entitlements"]').text()).toContain('您按城乡居民（少儿）享受待遇。')
  })

  it('a person the government funds (财政代缴) reads 政府全额资助, never 已缴费 ¥0.00', async () => {
    const funded = { paid: true, amount: 0, paidAt: '2025-12-10T10:00:00.000+08:00', fullyFunded: true }
    bff({ self: {
      ...self,
      years: [{ ...self.years[0]!, ...funded }],
      nextYear: { year: 2027, status: 'paid', ...funded, paidAt: '2026-09-15T10:00:00.000+08:00' },
    } })
    const { wrapper } = await mountPage()
    const next = wrapper.get('[data-testid="next-year"]').text()
    expect(next).toContain('政府全额资助')
    expect(next).not.toContain('¥0.00')
    const year = wrapper.get('[data-testid="coverage-year"]').text()
    expect(year).toContain('政府全额资助')
    expect(year).not.toContain('¥0.00')
  })

  it('announces stale data with the time it is from', async () => {
    bff({ self: { ...self, stale: true, asOf: '2026-11-21T09:05:00.000+08:00' } })
    const { wrapper } = await mountPage()
    const banner = wrapper.get('[data-testid="stale-banner"]')
    expect(banner.attributes('role')).toBe('status')
    expect(banner.text()).toContain('医保信息平台暂时无法访问，以下为 2026年11月21日 09:05 的信息')
  })

  it('shows the Chinese error and request id with a retry when there is no data at all', async () => {
    bff({ self: { error: { code: 'UPSTREAM_TIMEOUT', message: '医保信息平台响应超时，请稍后再试', requestId: 'req-9' } } }, { self: 504 })
    const { wrapper } = await mountPage()
    expect(wrapper.get('[role="alert"]').text()).toContain('医保信息平台响应超时，请稍后再试')
    expect(wrapper.text()).toContain('如需帮助请提供编号 req-9')
    bff({ self })
    await wrapper.get('.coverage__retry').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="coverage-status"]').text()).toContain('正常参保')
  })

  it('刷新 asks the bureau now (fresh=1) and shows the new time; an ordinary visit does not', async () => {
    const fresh: (string | null)[] = []
    server.use(
      http.get('*/api/v1/family/links', () => HttpResponse.json(links)),
      http.get('*/api/v1/coverage', ({ request }) => {
        const f = new URL(request.url).searchParams.get('fresh')
        fresh.push(f)
        return HttpResponse.json(f === '1' ? { ...self, asOf: '2026-11-22T12:05:00.000+08:00' } : self)
      }),
    )
    const { wrapper } = await mountPage()
    expect(fresh).toEqual([null])
    await wrapper.get('[data-testid="coverage-refresh"]').trigger('click')
    await flushPromises()
    expect(fresh).toEqual([null, '1'])
    expect(wrapper.get('[data-testid="coverage-as-of"]').text()).toContain('12:05')
  })

  it('has empty states for someone not enrolled', async () => {
    bff({ self: { ...self, current: { ...self.current, status: 'not_enrolled', statusLabel: '未参保', insuranceType: null, insuranceTypeLabel: null, category: null, categoryLabel: null, regionCode: null, since: null, benefitPeriod: null }, enrolments: [], years: [], entitlements: null, usage: null, chronic: [], nextYear: { year: 2027, status: 'not_open', amount: null, paidAt: null, fullyFunded: false } } })
    const { wrapper } = await mountPage()
    expect(wrapper.get('[data-testid="not-enrolled"]').text()).toContain('未查询到城乡居民医保参保记录')
    expect(wrapper.text()).toContain('暂无缴费记录')
    expect(wrapper.text()).toContain('暂无门诊慢特病或两病备案')
    expect(wrapper.text()).toContain('2027年度缴费尚未开始')
    expect(wrapper.find('[data-testid="entitlements"]').exists()).toBe(false)
  })
})
