import type { ReceiptView } from '../pay/types'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter, RouterView } from 'vue-router'
import { i18n } from '../../i18n'
import ReceiptVerifyPage from './ReceiptVerifyPage.vue'

const CODE = 'ABCD-EFGH-JKLM-NPQR'

function receipt(over: Partial<ReceiptView> = {}): ReceiptView {
  return {
    code: CODE,
    valid: true,
    duplicate: false,
    name: '王**',
    certNo: '610322********0281',
    year: 2027,
    regionCode: '610322',
    amountFen: 38_000,
    paidAt: '2026-11-20T10:15:00.000+08:00',
    reported: true,
    refunded: false,
    refundedAt: null,
    ...over,
  }
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

async function mountPage(answer: ReceiptView) {
  server.use(http.get('*/api/v1/receipts/:code', ({ params }) => params.code === CODE
    ? HttpResponse.json(answer)
    : HttpResponse.json({ error: { code: 'NOT_FOUND', message: '未找到', requestId: 'r' } }, { status: 404 })))
  const routes = [
    { path: '/receipts/verify', component: ReceiptVerifyPage },
    { path: '/slips/verify', component: { render: () => h('p', 'slips') } },
  ]
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push(`/receipts/verify?code=${CODE}`)
  const global = { plugins: [i18n, router] }
  const wrapper = mount({ render: () => h(RouterView) }, { global, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('ReceiptVerifyPage', () => {
  it('says 真实有效 for a receipt that holds, with its facts', async () => {
    const wrapper = await mountPage(receipt())
    const card = wrapper.get('[data-testid="receipt-valid"]')
    expect(card.text()).toContain('真实有效')
    expect(card.text()).not.toContain('作废')
    expect(wrapper.find('[data-testid="receipt-void"]').exists()).toBe(false)
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="receipt-fact-amount"]').text()).toBe('¥380.00')
    wrapper.unmount()
  })

  it('links to the check of a settlement slip (结算单核验)', async () => {
    const wrapper = await mountPage(receipt())
    const link = wrapper.get('[data-testid="slip-verify-link"]')
    expect(link.attributes('href')).toBe('/slips/verify')
    expect(link.text()).toBe('核验一站式结算单')
    wrapper.unmount()
  })

  it('says 已退费，本凭证作废 first, as an alert, with the refund date, and never 真实有效', async () => {
    const refundedAt = '2027-01-05T09:30:12.000+08:00'
    const wrapper = await mountPage(receipt({ valid: false, reported: false, refunded: true, refundedAt }))
    expect(wrapper.find('[data-testid="receipt-valid"]').exists()).toBe(false)
    const card = wrapper.get('[data-testid="receipt-refunded"]')
    expect(card.text()).not.toContain('真实有效')

    const notice = card.get('[data-testid="receipt-void"]')
    expect(notice.attributes('role')).toBe('alert')
    // The verdict comes before the facts, so nobody reads the amount as proof of payment first.
    expect(card.element.firstElementChild).toBe(notice.element)
    expect(notice.get('.receipt__verdict').text()).toBe('已退费，本凭证作废')
    expect(notice.get('[data-testid="receipt-refunded-at"]').text()).toBe('退费时间：2027-01-05 09:30')
    expect(notice.text()).toContain('不能再作为缴费证明')
    // Still the masked facts of what was paid, but no 税务部门 row for money that went back.
    expect(card.get('[data-testid="receipt-fact-amount"]').text()).toBe('¥380.00')
    expect(card.text()).not.toContain('税务部门')
    wrapper.unmount()
  })

  it('still says the receipt is void when the refund date is not known', async () => {
    const wrapper = await mountPage(receipt({ valid: false, reported: false, refunded: true, refundedAt: null }))
    const notice = wrapper.get('[data-testid="receipt-void"]')
    expect(notice.text()).toContain('已退费，本凭证作废')
    expect(notice.find('[data-testid="receipt-refunded-at"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('says a receipt of a payment found to be a duplicate is void, being refunded', async () => {
    const wrapper = await mountPage(receipt({ valid: false, duplicate: true }))
    const box = wrapper.get('[data-testid="receipt-void"]')
    expect(box.attributes('role')).toBe('alert')
    expect(box.text()).toContain('重复缴费，正在原路退回，本凭证作废')
    expect(box.text()).not.toContain('已退费')
    expect(wrapper.find('[data-testid="receipt-valid"]').exists()).toBe(false)
  })
})
