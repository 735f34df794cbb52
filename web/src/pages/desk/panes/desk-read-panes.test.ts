import type { ApiErrorBody, DeskCoverageView, DeskReceipt, SlipExplanation, SlipSummary, SlipView } from '@yibao/shared'
import type { Component } from 'vue'
import { ERROR_MESSAGES, formatFen } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { i18n, loadDeskMessages } from '../../../i18n'
import DeskCoveragePane from './DeskCoveragePane.vue'
import DeskReceiptsPane from './DeskReceiptsPane.vue'
import DeskSlipsPane from './DeskSlipsPane.vue'
import { deskPanes } from './registry'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeAll(() => loadDeskMessages())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const SUBJECT = 'sealed-handle-of-a-scan'
const CERT = '370502196803152021'
const profile = { name: '王**', certNo: '370502********2021' }

/** What each read was sent (path and body), in order. */
const sent: { path: string, body: Record<string, unknown> }[] = []
beforeEach(() => { sent.length = 0 })

function answer(path: string, reply: (body: Record<string, unknown>) => Response) {
  return http.post(`*/api/v1/desk/reads${path}`, async ({ request }) => {
    const body = await request.json() as Record<string, unknown>
    sent.push({ path, body })
    return reply(body)
  })
}

function error(code: ApiErrorBody['error']['code'], status: number) {
  const body: ApiErrorBody = { error: { code, message: ERROR_MESSAGES[code], requestId: 'req-desk-read' } }
  return HttpResponse.json(body, { status })
}

const pdf = () => new HttpResponse(new Uint8Array([0x25, 0x50, 0x44, 0x46]), { headers: { 'content-type': 'application/pdf' } })

function mountPane(pane: Component, target: { subject: string } | { certNo: string, name: string } = { subject: SUBJECT }) {
  return mount(pane, { props: { target, profile }, global: { plugins: [i18n] }, attachTo: document.body })
}

const coverage: DeskCoverageView = {
  stale: false,
  asOf: '2026-11-22T12:00:00.000+08:00',
  person: { name: '王**', certNo: '370502********2021', age: 58, regionCode: '370502' },
  year: 2026,
  current: { status: 'active', statusLabel: '正常参保', insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', regionCode: '370502', since: '2016-01-01', benefitPeriod: { from: '2026-01-01', to: '2026-12-31' }, waitingPeriod: null },
  enrolments: [{ insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', status: 'active', statusLabel: '正常参保', since: '2016-01-01', pausedOn: null, regionCode: '370502', balance: 0, unitName: null }],
  years: [
    { year: 2026, status: 'active', statusLabel: '正常参保', insuranceType: '390', insuranceTypeLabel: '城乡居民基本医疗保险', category: 'adult', categoryLabel: '成年居民', regionCode: '370502', paid: true, amount: 40_000, paidAt: '2025-12-20T19:30:00.000+08:00', fullyFunded: false, benefitPeriod: { from: '2026-01-01', to: '2026-12-31' }, waitingPeriod: null },
  ],
  entitlements: null,
  specialStatuses: [],
  chronic: [],
  usage: null,
  nextYear: { year: 2027, status: 'unpaid', amount: 40_000, paidAt: null, fullyFunded: false },
}

describe('desk read-only panes', () => {
  it('are registered as tabs of the console, titled in Chinese', () => {
    const keys = deskPanes.map(p => p.key)
    expect(keys).toEqual(expect.arrayContaining(['coverage', 'slips', 'receipts']))
    for (const key of ['coverage', 'slips', 'receipts']) {
      const pane = deskPanes.find(p => p.key === key)!
      expect(i18n.global.t(pane.titleKey)).toMatch(/^[\u4E00-\u9FFF]+$/)
    }
  })

  it('参保待遇: the resident\'s coverage read-only, regions with their codes, by the handle in the body', async () => {
    server.use(answer('/coverage', () => HttpResponse.json(coverage)))
    const wrapper = mountPane(DeskCoveragePane)
    await flushPromises()
    expect(sent).toEqual([{ path: '/coverage', body: { subject: SUBJECT } }])
    expect(wrapper.get('[data-testid="coverage-status"]').text()).toContain('正常参保')
    expect(wrapper.get('[data-testid="coverage-region"]').text()).toContain('东营区（370502）')
    expect(wrapper.get('[data-testid="next-year"]').text()).toContain(formatFen(40_000))
    // Read-only: nothing to pay from here.
    expect(wrapper.find('[data-testid="pay-next-year"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="desk-coverage-as-of"]').text()).toContain('2026')
    wrapper.unmount()
  })

  it('参保待遇: a typed ID number goes in the body; another region is refused in Chinese; an ended session goes to the page', async () => {
    server.use(answer('/coverage', () => error('OUT_OF_REGION', 403)))
    const refused = mountPane(DeskCoveragePane, { certNo: CERT, name: '' })
    await flushPromises()
    expect(sent[0]).toEqual({ path: '/coverage', body: { certNo: CERT } })
    expect(refused.text()).toContain(ERROR_MESSAGES.OUT_OF_REGION)
    expect(refused.emitted('authError')).toBeUndefined()
    refused.unmount()

    server.use(answer('/coverage', () => error('UNAUTHENTICATED', 401)))
    const ended = mountPane(DeskCoveragePane)
    await flushPromises()
    expect(ended.emitted('authError')?.[0]?.[0]).toMatchObject({ code: 'UNAUTHENTICATED' })
    ended.unmount()
  })

  const summary: SlipSummary = {
    id: '37050220260618000001',
    settledAt: '2026-06-18T11:02:33.000+08:00',
    admittedAt: '2026-06-10T09:00:00.000+08:00',
    dischargedAt: '2026-06-18T10:00:00.000+08:00',
    hospitalName: '东营市人民医院',
    medType: '21',
    medTypeLabel: '普通住院',
    total: 1_031_010,
    fundPay: 806_629,
    personalCash: 224_381,
  }
  const slip = {
    id: summary.id,
    mdtrtId: '37050220260610000001',
    verificationCode: '7K2M-9QXA-B3TD',
    person: { name: '王**', certNo: '370502********2021', sex: 'male', age: 58 },
    hospital: { code: 'H37050200001', name: '东营市人民医院', level: 3, grade: '三级甲等' },
    medType: '21',
    medTypeLabel: '普通住院',
    diagnosis: '肺炎',
    admittedAt: summary.admittedAt,
    dischargedAt: summary.dischargedAt,
    settledAt: summary.settledAt,
    days: 8,
    regionCode: '370502',
    basicRate: 0.6,
    amounts: { total: 1_031_010, outOfList: 0, overLimit: 0, preSelfPay: 0, inPolicy: 1_031_010, deductible: 100_000, basic: 806_629, critical: 0, assistance: 0, other: 0, fundTotal: 806_629, hospital: 0, personalBurden: 224_381, account: 0, personalCash: 224_381 },
    fundLines: [{ code: '390100', label: '城乡居民基本医疗保险基金', group: 'basic', known: true, amount: 806_629 }],
    fundGroups: { basic: 806_629, critical: 0, assistance: 0, hospital: 0, other: 0 },
  } as SlipView
  const explanation = {
    id: summary.id,
    status: 'unavailable',
    gap: 'no_policy',
    policy: null,
    statuses: [],
    hospitalLevel: 3,
    priorSlips: 0,
    yearToDate: { criticalBurden: 0, criticalPaid: 0, basicPaid: 0, assistancePaid: 0 },
    otherFunds: 0,
    estimate: null,
    rows: [],
  } as unknown as SlipExplanation

  it('结算单: lists a year, opens a slip with its explanation, and prints the BFF\'s PDF from a frame (no address with the person)', async () => {
    const createObjectURL = vi.fn(() => 'blob:desk-print')
    const revokeObjectURL = vi.fn()
    Object.assign(URL, { createObjectURL, revokeObjectURL })
    server.use(
      answer('/slips', body => HttpResponse.json({ year: body.year ?? 2026, page: 1, pageSize: 10, total: 1, items: [summary] })),
      answer('/slips/view', () => HttpResponse.json(slip)),
      answer('/slips/explanation', () => HttpResponse.json(explanation)),
      answer('/slips/pdf', () => pdf()),
    )
    const wrapper = mountPane(DeskSlipsPane)
    await flushPromises()
    expect(sent[0]).toEqual({ path: '/slips', body: { subject: SUBJECT, page: 1, pageSize: 10 } })
    expect(wrapper.get('[data-testid="desk-slips-count"]').text()).toContain('1')
    expect(wrapper.findAll('[data-testid="desk-slip-item"]')).toHaveLength(1)

    await wrapper.get('[data-testid="desk-slip-open"]').trigger('click')
    await flushPromises()
    expect(sent.slice(1).map(s => [s.path, s.body])).toEqual([
      ['/slips/view', { subject: SUBJECT, setlId: summary.id }],
      ['/slips/explanation', { subject: SUBJECT, setlId: summary.id }],
    ])
    expect(wrapper.get('[data-testid="desk-slip-title"]').text()).toContain('东营市人民医院')
    expect(wrapper.text()).toContain(formatFen(1_031_010))
    expect(wrapper.find('[data-testid="desk-slip-explanation"]').exists()).toBe(true)

    await wrapper.get('[data-testid="desk-slip-print"]').trigger('click')
    await flushPromises()
    expect(sent.at(-1)).toEqual({ path: '/slips/pdf', body: { subject: SUBJECT, setlId: summary.id } })
    const frame = document.querySelector<HTMLIFrameElement>('iframe.desk-print-frame')!
    expect(frame.src).toBe('blob:desk-print')
    expect(wrapper.get('[data-testid="desk-slip-printed"]').text()).toContain('打印')

    // Back to the list; the print frame goes with the pane.
    await wrapper.get('[data-testid="desk-slip-back"]').trigger('click')
    expect(wrapper.findAll('[data-testid="desk-slip-item"]')).toHaveLength(1)
    wrapper.unmount()
    expect(document.querySelector('iframe.desk-print-frame')).toBeNull()
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:desk-print')
  })

  it('结算单: a slip the BFF will not print says why in Chinese', async () => {
    server.use(
      answer('/slips', () => HttpResponse.json({ year: 2026, page: 1, pageSize: 10, total: 1, items: [summary] })),
      answer('/slips/view', () => HttpResponse.json(slip)),
      answer('/slips/explanation', () => HttpResponse.json(explanation)),
      answer('/slips/pdf', () => error('SLIP_PDF_UNAVAILABLE', 503)),
    )
    const wrapper = mountPane(DeskSlipsPane)
    await flushPromises()
    await wrapper.get('[data-testid="desk-slip-open"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="desk-slip-print"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain(ERROR_MESSAGES.SLIP_PDF_UNAVAILABLE)
    expect(wrapper.find('[data-testid="desk-slip-printed"]').exists()).toBe(false)
    wrapper.unmount()
  })

  const receipt = (over: Partial<DeskReceipt>): DeskReceipt => ({
    code: 'AB12-CD34-EF56-GH78',
    valid: true,
    duplicate: false,
    name: '王**',
    certNo: '370502********2021',
    year: 2027,
    regionCode: '370502',
    amountFen: 40_000,
    paidAt: '2026-11-15T10:05:00.000+08:00',
    reported: true,
    refunded: false,
    refundedAt: null,
    orderId: 'order-1',
    lineId: 'line-1',
    atDesk: false,
    ...over,
  })

  it('补打凭证: lists the resident\'s receipts (region with code, desk ones marked, void ones said) and reprints one', async () => {
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:receipt'), revokeObjectURL: vi.fn() })
    const desk = receipt({ lineId: 'line-2', orderId: 'order-2', code: 'ZZ12-CD34-EF56-GH78', atDesk: true, year: 2026 })
    const refunded = receipt({ lineId: 'line-3', orderId: 'order-3', code: 'YY12-CD34-EF56-GH78', valid: false, refunded: true, year: 2025 })
    server.use(
      answer('/receipts', () => HttpResponse.json({ receipts: [receipt({}), desk, refunded] })),
      answer('/receipts/pdf', () => pdf()),
    )
    const wrapper = mountPane(DeskReceiptsPane, { certNo: CERT, name: '' })
    await flushPromises()
    expect(sent[0]).toEqual({ path: '/receipts', body: { certNo: CERT } })
    const rows = wrapper.findAll('[data-testid="desk-receipt-item"]')
    expect(rows).toHaveLength(3)
    expect(rows[0]!.text()).toContain('东营区（370502）')
    expect(rows[0]!.text()).toContain(formatFen(40_000))
    expect(rows[1]!.text()).toContain('窗口代缴')
    expect(rows[2]!.text()).toContain('作废')

    await rows[1]!.get('[data-testid="desk-receipt-print"]').trigger('click')
    await flushPromises()
    expect(sent.at(-1)).toEqual({ path: '/receipts/pdf', body: { certNo: CERT, lineId: 'line-2' } })
    expect(wrapper.get('[data-testid="desk-receipt-printed"]').text()).toContain('ZZ12-CD34-EF56-GH78')
    expect(document.querySelector<HTMLIFrameElement>('iframe.desk-print-frame')?.src).toBe('blob:receipt')
    wrapper.unmount()
  })

  it('补打凭证: none to reprint is said; an expired handle is said in Chinese', async () => {
    server.use(answer('/receipts', () => HttpResponse.json({ receipts: [] })))
    const none = mountPane(DeskReceiptsPane)
    await flushPromises()
    expect(none.get('[data-testid="desk-receipts-empty"]').text()).toBe('没有可补打的缴费凭证')
    none.unmount()

    server.use(answer('/receipts', () => error('DESK_SUBJECT_EXPIRED', 400)))
    const expired = mountPane(DeskReceiptsPane)
    await flushPromises()
    expect(expired.text()).toContain(ERROR_MESSAGES.DESK_SUBJECT_EXPIRED)
    expired.unmount()
  })
})
