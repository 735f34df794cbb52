import type { EstimateResult } from '@yibao/shared'
import type { VueWrapper } from '@vue/test-utils'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { i18n } from '../../i18n'
import EstimatePage from './EstimatePage.vue'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

let posted: unknown[] = []
/**
 * A BFF that would answer an estimate (or is down): the page must not ask it. What a resident enters
 * (amounts, 低保/特困) stays on the phone, as the page says; `posted` records any attempt.
 */
function bff(answer: Partial<EstimateResult> | 'down') {
  posted = []
  server.use(http.post('*/api/v1/estimates', async ({ request }) => {
    posted.push(await request.json())
    return answer === 'down' ? HttpResponse.error() : HttpResponse.json(answer)
  }))
}

function mountPage() {
  return mount(EstimatePage, { global: { plugins: [i18n] }, attachTo: document.body })
}

async function fill(wrapper: VueWrapper, testId: string, value: string) {
  await wrapper.get(`[data-testid$="${testId}"]`).setValue(value)
}

async function submit(wrapper: VueWrapper) {
  await wrapper.get('[data-testid="estimate-form"]').trigger('submit')
  // The form's checks are a chunk of their own, fetched on first use: here it arrives.
  await import('./estimate-checks')
  await flushPromises()
}

/** Amount (fen) of each part drawn in the bar, from the DOM. */
function barFen(wrapper: VueWrapper): Record<string, number> {
  return Object.fromEntries(wrapper.findAll('[data-testid="settlement-bar"] [data-tier]').map(s => [s.attributes('data-tier'), Number(s.attributes('data-fen'))]))
}

function legend(wrapper: VueWrapper, tier: string): string {
  return wrapper.get(`.settlement-bar__legend [data-tier="${tier}"]`).text()
}

describe('EstimatePage (报销测算)', () => {
  it('turns 元 typed by the user into exact fen and draws the three tiers and the personal part', async () => {
    // The answer the BFF would give for this bill (hand-computed below).
    bff({ basicPay: 2_640_000, criticalPay: 884_000, assistancePay: 683_200, hospitalBorne: 0, personalPay: 792_800 })
    const wrapper = mountPage()
    expect(wrapper.get('h1').text()).toBe('报销测算')
    await wrapper.get('[data-testid="policy-dongying-2020"]').setValue(true)
    await wrapper.get('[data-testid="status-minimum_living"]').setValue(true)
    await wrapper.get('[data-testid="level-3"]').setValue(true)
    // 50 000 元 with full-width digits and a thousands separator; 5 000 元 out of the list.
    await fill(wrapper, 'total', '５0,000.00')
    await fill(wrapper, 'outOfList', '5000')
    await submit(wrapper)

    // Dongying 低保, level 3: in-policy 45 000; basic 60 % × (45 000 − 1 000) = 26 400 元;
    // critical 65 % × (18 600 − 5 000) = 8 840 元; assistance 70 % × 9 760 = 6 832 元; personal 7 928 元.
    expect(barFen(wrapper)).toEqual({ basic: 2_640_000, critical: 884_000, assistance: 683_200, personal: 792_800 })
    expect(legend(wrapper, 'basic')).toContain('¥26,400.00')
    expect(legend(wrapper, 'critical')).toContain('¥8,840.00')
    expect(legend(wrapper, 'assistance')).toContain('¥6,832.00')
    expect(legend(wrapper, 'hospital')).toContain('¥0.00')
    expect(legend(wrapper, 'personal')).toContain('¥7,928.00')
    expect(legend(wrapper, 'personal')).toContain('15.9%')
    expect(wrapper.get('[data-testid="estimate-summary"]').text()).toBe('住院总费用 ¥50,000.00，其中您需自付 ¥7,928.00')
    expect(wrapper.text()).toContain('按“低保对象”身份的政策测算')

    // The explanation: each step's text, clause, and the 假设值 badge with its reasons.
    const steps = wrapper.findAll('.settlement-steps__item')
    expect(steps.map(s => s.attributes('data-tier'))).toEqual(['basic', 'critical', 'assistance', 'personal'])
    expect(steps[0]!.text()).toContain('剩下的 44,000.00 元由基本医保按 60% 报销，基本医保支付 26,400.00 元')
    expect(steps[0]!.text()).toContain('依据：东医保发〔2020〕56号 二(一)')
    expect(steps[0]!.get('.badge-assumed').text()).toBe('假设值')
    expect(steps[0]!.text()).toContain('文件未给出各级医院起付线，参照山东省同期三级医院常见起付线1000元')
    expect(steps[1]!.find('.badge-assumed').exists()).toBe(false)
    // The policy's assumptions are listed: 26 assumed parameters, 23 distinct reasons (the three
    // per-level poverty bonuses share one, and two assistance limits of 5 万元 share one).
    const assumptions = wrapper.get('[data-testid="assumptions"]')
    expect(assumptions.text()).toContain('部分参数为测算假设')
    expect(assumptions.get('summary').text()).toBe('查看山东省东营市政策的 23 条测算假设')
    expect(assumptions.findAll('li')).toHaveLength(23)

    // Computed on the phone only, as the page promises (测算在您的手机上完成，填写的内容不会上传).
    expect(wrapper.text()).toContain('填写的内容不会上传')
    expect(posted).toEqual([])
    wrapper.unmount()
  })

  it('works without the BFF (offline): the result comes from the engine in the browser', async () => {
    bff('down')
    const wrapper = mountPage()
    await wrapper.get('[data-testid="policy-guizhou-2019"]').setValue(true)
    await wrapper.get('[data-testid="status-extreme_poverty"]').setValue(true)
    await wrapper.get('[data-testid="level-2"]').setValue(true)
    await fill(wrapper, 'total', '30000')
    await fill(wrapper, 'outOfList', '5000.00')
    await submit(wrapper)
    // Guizhou 特困, level 2, referred: basic 80 % × (25 000 − 400) = 19 680 元; critical 65 % × (5 320 − 4 500) = 533 元;
    // hospital bears 5 000 − 3 000 = 2 000 元; assistance 70 % × (5 320 − 533) = 3 350.90 元; personal 4 436.10 元.
    expect(barFen(wrapper)).toEqual({ basic: 1_968_000, critical: 53_300, assistance: 335_090, hospital: 200_000, personal: 443_610 })
    expect(legend(wrapper, 'hospital')).toContain('¥2,000.00')
    expect(legend(wrapper, 'personal')).toContain('¥4,436.10')
    expect(posted).toEqual([])
    wrapper.unmount()
  })

  it('shows the Chinese message on the field for bad amounts, and no result', async () => {
    bff('down')
    const wrapper = mountPage()
    await fill(wrapper, 'total', '100.005')
    await fill(wrapper, 'outOfList', 'abc')
    await submit(wrapper)
    expect(wrapper.find('[data-testid="estimate-result"]').exists()).toBe(false)
    const total = wrapper.get('input[data-testid$="total"]')
    expect(total.attributes('aria-invalid')).toBe('true')
    expect(wrapper.get(`#${total.attributes('aria-describedby')}`).text()).toBe('住院总费用最多填写两位小数（精确到分）')
    expect(wrapper.text()).toContain('其中医保目录外费用请填写数字金额，例如 12000.50')
    expect(wrapper.get('[data-testid="error-summary"]').text()).toBe('有 2 处填写有误，请检查后再测算')
    expect(document.activeElement).toBe(total.element)
    expect(posted).toEqual([])
    wrapper.unmount()
  })

  it('shows the shared schema\'s messages: out-of-list above the total, negative, and a missing total', async () => {
    bff('down')
    const wrapper = mountPage()
    await fill(wrapper, 'total', '100')
    await fill(wrapper, 'outOfList', '100.01')
    await submit(wrapper)
    expect(wrapper.text()).toContain('目录外费用不能超过住院总费用')

    await fill(wrapper, 'total', '-1')
    await fill(wrapper, 'outOfList', '')
    await submit(wrapper)
    expect(wrapper.text()).toContain('住院总费用不能为负数')
    expect(wrapper.text()).not.toContain('目录外费用不能超过住院总费用')

    await fill(wrapper, 'total', '')
    await submit(wrapper)
    expect(wrapper.text()).toContain('请填写住院总费用')
    wrapper.unmount()
  })

  it('uses year-to-date amounts (opened section) and names a bad one in Chinese', async () => {
    bff('down')
    const wrapper = mountPage()
    await fill(wrapper, 'total', '50000')
    await fill(wrapper, 'outOfList', '5000')
    expect(wrapper.find('input[data-testid$="yearToDate-basicPaid"]').exists()).toBe(false)
    await wrapper.get('[data-testid="ytd-toggle"] [role="button"]').trigger('click')
    await flushPromises()
    await fill(wrapper, 'yearToDate-basicPaid', '240000.5')
    await fill(wrapper, 'yearToDate-criticalBurden', '15000.123')
    await submit(wrapper)
    expect(wrapper.text()).toContain('今年已累计的个人负担合规费用最多填写两位小数（精确到分）')
    await fill(wrapper, 'yearToDate-criticalBurden', '15000')
    await submit(wrapper)
    // Dongying, no status, level 3: basic only 250 000 − 240 000.50 = 9 999.50 元 left; burden 35 000.50 元,
    // cumulative 50 000.50 元: critical 60 % × 34 000.50 = 20 400.30 元; personal 50 000 − 9 999.50 − 20 400.30.
    expect(barFen(wrapper)).toEqual({ basic: 999_950, critical: 2_040_030, personal: 1_960_020 })
    wrapper.unmount()
  })

  it('asks a Dongying 重度残疾人 for kind, grade and 脱贫 state (东医保发〔2020〕56号 二(二)), used on the phone only', async () => {
    bff('down')
    const wrapper = mountPage()
    await wrapper.get('[data-testid="policy-dongying-2020"]').setValue(true)
    expect(wrapper.find('[data-testid="disability-facts"]').exists()).toBe(false)
    await wrapper.get('[data-testid="status-severe_disability"]').setValue(true)
    const facts = wrapper.get('[data-testid="disability-facts"]')
    expect(facts.text()).toContain('东医保发〔2020〕56号 二(二)只把未脱贫的一、二级重度残疾、三级智力残疾、三级精神残疾人员列为贫困人口')
    // Burden 10 000 (level 2, basic 75 % × 9 500 = 7 125 → burden 2 875): below both thresholds, so a bigger bill.
    await wrapper.get('[data-testid="level-3"]').setValue(true)
    await fill(wrapper, 'total', '100000')
    // Out of scope: 三级肢体残疾 → ordinary resident, and the step says why.
    await wrapper.get('[data-testid="disability-kind"]').setValue('physical')
    await wrapper.get('[data-testid="disability-grade-3"]').setValue(true)
    await wrapper.get('[data-testid="disability-poor"]').setValue(true)
    await submit(wrapper)
    expect(wrapper.get('[data-testid="estimate-result"]').text()).toContain('您登记的残疾为三级肢体残疾（未脱贫）')
    // Facts about a disability are sensitive: they shape the result here and are sent nowhere.
    expect(posted).toEqual([])
    const ordinary = barFen(wrapper).critical ?? 0
    // In scope: 三级智力残疾, 未脱贫 → the poverty threshold 5 000 and the higher ratios.
    await wrapper.get('[data-testid="disability-kind"]').setValue('intellectual')
    await submit(wrapper)
    expect(wrapper.get('[data-testid="estimate-result"]').text()).toContain('您是三级智力残疾（未脱贫），属于')
    expect(barFen(wrapper).critical).toBeGreaterThan(ordinary)
    // Guizhou has no such clause: no questions.
    await wrapper.get('[data-testid="policy-guizhou-2019"]').setValue(true)
    expect(wrapper.find('[data-testid="disability-facts"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
