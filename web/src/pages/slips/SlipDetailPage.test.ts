import type { SlipExplanation, SlipView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { estimateSettlement } from '@yibao/shared'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '../../i18n'
import SlipDetailPage from './SlipDetailPage.vue'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const ID = '52273220250820000012'

/** 韦秀珍's second 2025 stay (三都, 建档立卡, level 3): the slip short-pays 大病保险 by 1 200 元. */
const slip: SlipView = {
  id: ID,
  mdtrtId: '52273220250802000012',
  verificationCode: '7K2M-9QXA-B3TD',
  person: { name: '韦**', certNo: '522732********0486', sex: 'female', age: 44 },
  hospital: { code: 'H52270100011', name: '黔南州人民医院', level: 3, grade: '三级乙等' },
  medType: '24',
  medTypeLabel: '急诊转住院',
  diagnosis: '脑梗死',
  admittedAt: '2025-08-02T22:40:00.000+08:00',
  dischargedAt: '2025-08-20T10:12:00.000+08:00',
  settledAt: '2025-08-20T11:12:40.000+08:00',
  days: 18,
  regionCode: '522732',
  basicRate: 0.65,
  amounts: { total: 68_000_00, outOfList: 5_000_00, overLimit: 0, preSelfPay: 0, inPolicy: 63_000_00, deductible: 1_000_00, basic: 40_300_00, critical: 12_247_93, assistance: 6_476_45, other: 0, fundTotal: 59_024_38, hospital: 0, personalBurden: 8_975_62, account: 0, personalCash: 8_975_62 },
  fundLines: [
    { code: '390100', label: '城乡居民基本医疗保险基金', group: 'basic', known: true, amount: 40_300_00 },
    { code: '390200', label: '城乡居民大病医疗保险基金', group: 'critical', known: true, amount: 12_247_93 },
    { code: '610100', label: '医疗救助基金', group: 'assistance', known: true, amount: 6_476_45 },
    { code: '529901', label: '其他', group: 'other', known: false, amount: 0 },
  ],
  fundGroups: { basic: 40_300_00, critical: 12_247_93, assistance: 6_476_45, hospital: 0, other: 0 },
}

const ytd = { criticalBurden: 2_489_12, criticalPaid: 0, basicPaid: 8_356_48, assistancePaid: 1_742_38 }
const estimate = estimateSettlement('guizhou-2019', { statuses: ['poverty_registered'], hospitalLevel: 3, total: 68_000_00, outOfList: 5_000_00, yearToDate: ytd })

function explanation(criticalOnSlip: number): SlipExplanation {
  const personal = 68_000_00 - 40_300_00 - criticalOnSlip - 6_476_45
  const row = (key: SlipExplanation['rows'][number]['key'], bureau: number, policy: number) => ({ key, bureau, policy, difference: bureau - policy, matches: bureau === policy })
  const rows = [
    row('deductible', 1_000_00, estimate.deductible),
    row('basic', 40_300_00, estimate.basicPay),
    row('critical', criticalOnSlip, estimate.criticalPay),
    row('assistance', 6_476_45, estimate.assistancePay),
    row('hospital', 0, estimate.hospitalBorne),
    row('personal', personal, estimate.personalPay),
  ]
  return { id: ID, status: rows.every(r => r.matches) ? 'match' : 'differs', gap: null, policy: { id: 'guizhou-2019', title: '贵州省2019年医疗保障扶贫政策' }, statuses: ['poverty_registered'], hospitalLevel: 3, priorSlips: 1, yearToDate: ytd, otherFunds: 0, estimate, rows }
}

let asked: string[] = []
function bff(detail: SlipView | 'missing', explain: SlipExplanation | 'down') {
  asked = []
  server.use(
    http.get(`*/api/v1/slips/${ID}`, ({ request }) => {
      asked.push(new URL(request.url).search)
      return detail === 'missing'
        ? HttpResponse.json({ error: { code: 'NOT_FOUND', message: '没有找到相关记录', requestId: 'req-1' } }, { status: 404 })
        : HttpResponse.json(detail)
    }),
    http.get(`*/api/v1/slips/${ID}/explanation`, () => (explain === 'down'
      ? HttpResponse.json({ error: { code: 'UPSTREAM_TIMEOUT', message: '医保信息平台响应超时，请稍后再试' } }, { status: 504 })
      : HttpResponse.json(explain))),
  )
}

async function mountPage(member?: string) {
  // The sheet links to the public 结算单核验 page.
  const routes = [{ path: '/:any(.*)*', component: { render: () => null } }]
  const router = createRouter({ history: createMemoryHistory(), routes })
  const global = { plugins: [i18n, router] }
  const wrapper = mount(SlipDetailPage, { props: { id: ID, member }, global, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('SlipDetailPage (结算单详情)', () => {
  it('lays the slip out as a 一站式结算单, with unknown fund codes as 其他 and the verification code', async () => {
    // The engine's own figure for this stay (hand-checked in the sandbox seed test): 13 447.93 元.
    expect(estimate.criticalPay).toBe(13_447_93)
    bff(slip, explanation(13_447_93))
    const wrapper = await mountPage()
    const sheet = wrapper.get('[data-testid="slip-sheet"]')
    expect(sheet.get('h2').text()).toBe('城乡居民基本医疗保险住院结算单（一站式结算）')
    const field = (name: string) => sheet.get(`[data-field="${name}"]`).text()
    expect(field('hospital')).toBe('定点医疗机构黔南州人民医院')
    expect(field('grade')).toContain('三级乙等')
    expect(field('medType')).toContain('急诊转住院')
    expect(field('admittedAt')).toContain('2025年8月2日')
    expect(field('days')).toContain('18天')
    expect(field('total')).toContain('¥68,000.00')
    expect(field('inPolicy')).toContain('¥63,000.00')
    expect(field('deductible')).toContain('¥1,000.00')
    expect(field('critical')).toContain('¥12,247.93')
    expect(field('basicRate')).toContain('65%')
    expect(wrapper.get('[data-testid="personal-cash"]').text()).toBe('¥8,975.62')
    expect(wrapper.findAll('[data-testid="fund-lines"] tbody tr').map(r => r.text())).toEqual([
      '390100城乡居民基本医疗保险基金¥40,300.00',
      '390200城乡居民大病医疗保险基金¥12,247.93',
      '610100医疗救助基金¥6,476.45',
      '529901其他¥0.00',
    ])
    expect(wrapper.get('[data-testid="verification-code"]').text()).toBe('7K2M-9QXA-B3TD')
    // Next to 可以核验: the public check, with the code and the slip's id already filled in.
    expect(wrapper.get('[data-testid="slip-verify-link"]').attributes('href'))
      .toBe(`/slips/verify?code=7K2M-9QXA-B3TD&setlId=${ID}`)
    expect(wrapper.get('[data-testid="pdf"]').attributes('href')).toBe(`/api/v1/slips/${ID}/pdf`)
    // Who paid what: the engine's bar component, fed with the slip's figures.
    expect(wrapper.findAll('[data-testid="settlement-bar"] [data-tier]').map(s => [s.attributes('data-tier'), Number(s.attributes('data-fen'))]))
      .toEqual([['basic', 40_300_00], ['critical', 12_247_93], ['assistance', 6_476_45], ['personal', 8_975_62]])
    wrapper.unmount()
  })

  it('agrees with the policy: no notice, a green verdict and the engine\'s steps', async () => {
    bff({ ...slip, amounts: { ...slip.amounts, critical: 13_447_93, personalBurden: 7_775_62, personalCash: 7_775_62 } }, explanation(13_447_93))
    const wrapper = await mountPage()
    expect(wrapper.find('[data-testid="discrepancy-notice"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="explain-verdict"]').text()).toBe('逐项核对一致：结算单与公布的政策相符。')
    expect(wrapper.get('[data-testid="explanation"]').text()).toContain('今年在这次之前还有 1 次住院结算')
    expect(wrapper.get('[data-testid="explanation"]').text()).toContain('按“建档立卡贫困人口”身份的政策计算')
    const steps = wrapper.findAll('.settlement-steps__item')
    expect(steps.map(s => s.attributes('data-tier'))).toEqual(['basic', 'critical', 'assistance', 'hospital', 'personal'])
    expect(steps[1]!.text()).toContain('今年之前已累计 2,489.12 元')
    wrapper.unmount()
  })

  it('says plainly where the slip differs, with both figures and the difference', async () => {
    bff(slip, explanation(12_247_93))
    const wrapper = await mountPage('link-7')
    const notice = wrapper.get('[data-testid="discrepancy-notice"]')
    expect(notice.get('h2').text()).toBe('这张结算单与公布的政策不一致')
    expect(notice.findAll('li').map(li => li.text())).toEqual([
      '大病保险：结算单上是 ¥12,247.93，按政策应为 ¥13,447.93，少了 ¥1,200.00。',
      '个人负担：结算单上是 ¥8,975.62，按政策应为 ¥7,775.62，多了 ¥1,200.00。',
    ])
    expect(notice.text()).toContain('12393')
    const critical = wrapper.get('[data-testid="comparison"] tr[data-key="critical"]')
    expect(critical.classes()).toContain('slip-explain__row--differs')
    expect(critical.text()).toContain('-¥1,200.00')
    expect(wrapper.get('[data-testid="explain-verdict"]').text()).toBe('有 2 项与公布的政策不一致，见上方提示。')
    // The family member's link travels with every request and the PDF link.
    expect(asked).toEqual(['?member=link-7'])
    expect(wrapper.get('[data-testid="pdf"]').attributes('href')).toBe(`/api/v1/slips/${ID}/pdf?member=link-7`)
    wrapper.unmount()
  })

  it('prints with the browser\'s print dialog', async () => {
    bff(slip, explanation(12_247_93))
    // happy-dom has no print dialog: stand one in.
    const print = vi.fn()
    vi.stubGlobal('print', print)
    const wrapper = await mountPage()
    await wrapper.get('[data-testid="print"]').trigger('click')
    expect(print).toHaveBeenCalledOnce()
    vi.unstubAllGlobals()
    wrapper.unmount()
  })

  it('shows the Chinese error of a missing slip, and of an explanation that cannot be had', async () => {
    bff('missing', 'down')
    const missing = await mountPage()
    expect(missing.get('[role="alert"]').text()).toContain('没有找到相关记录')
    expect(missing.text()).not.toContain('req-1')
    missing.unmount()

    bff(slip, 'down')
    const noExplain = await mountPage()
    expect(noExplain.get('[data-testid="explanation"] [role="alert"]').text()).toBe('暂时无法核对：医保信息平台响应超时，请稍后再试')
    expect(noExplain.find('[data-testid="discrepancy-notice"]').exists()).toBe(false)
    noExplain.unmount()
  })
})
