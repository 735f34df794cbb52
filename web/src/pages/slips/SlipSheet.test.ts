import type { SlipView } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '../../i18n'
import { qrDataUrl } from '../pay/qr'
import SlipSheet from './SlipSheet.vue'

const ID = '37050220260301000007'
const slip: SlipView = {
  id: ID,
  mdtrtId: '37050220260301000001',
  verificationCode: 'D3QK-7TNW-M28A',
  person: { name: '张**', certNo: '370502********0420', sex: 'female', age: 40 },
  hospital: { code: 'H37050200001', name: '东营区人民医院', level: 2, grade: '二级甲等' },
  medType: '21',
  medTypeLabel: '普通住院',
  diagnosis: '肺炎',
  admittedAt: '2026-03-01T09:00:00.000+08:00',
  dischargedAt: '2026-03-08T10:00:00.000+08:00',
  settledAt: '2026-03-08T11:00:00.000+08:00',
  days: 7,
  regionCode: '370502',
  basicRate: 0.7,
  amounts: {
    total: 9_000_00,
    outOfList: 0,
    overLimit: 0,
    preSelfPay: 0,
    inPolicy: 9_000_00,
    deductible: 600_00,
    basic: 5_880_00,
    critical: 0,
    assistance: 0,
    other: 0,
    fundTotal: 5_880_00,
    hospital: 0,
    personalBurden: 3_120_00,
    account: 0,
    personalCash: 3_120_00,
  },
  fundLines: [{ code: '390100', label: '城乡居民基本医疗保险基金', group: 'basic', known: true, amount: 5_880_00 }],
  fundGroups: { basic: 5_880_00, critical: 0, assistance: 0, hospital: 0, other: 0 },
}

async function mountSheet(view: SlipView) {
  const routes = [{ path: '/:any(.*)*', component: { render: () => null } }]
  const router = createRouter({ history: createMemoryHistory(), routes })
  const wrapper = mount(SlipSheet, { props: { slip: view }, global: { plugins: [i18n, router] } })
  await flushPromises()
  return wrapper
}

describe('SlipSheet print view: the QR code of 结算单核验', () => {
  it('shows the QR code of the verification page with its address under it, as the PDF does', async () => {
    const wrapper = await mountSheet(slip)
    const url = `${window.location.origin}/slips/verify?code=D3QK-7TNW-M28A&setlId=${ID}`
    const block = wrapper.get('[data-testid="slip-verify-qr"]')
    // The QR library is loaded on first use (outside the entry bundle).
    await vi.waitFor(() => expect(block.find('[data-testid="slip-verify-qr-image"]').exists()).toBe(true))
    const image = block.get('[data-testid="slip-verify-qr-image"]')
    // The QR code holds exactly that address (the same renderer draws the same code).
    expect(image.attributes('src')).toBe(await qrDataUrl(url))
    expect(image.attributes('alt')).toBe('结算单核验二维码，校验码D3QK-7TNW-M28A')
    expect(block.get('[data-testid="slip-verify-url"]').text()).toBe(url)
    expect(block.text()).toContain('填写医疗费总额和个人现金支付即可核验')
    // Printed: the QR block is part of the sheet, not hidden with the page's buttons.
    expect(block.classes()).not.toContain('no-print')
    expect(block.element.closest('.no-print')).toBeNull()
    // The on-screen link is not printed (the address is).
    expect(wrapper.get('[data-testid="slip-verify-link"]').classes()).toContain('no-print')
  })

  it('draws a new QR code when the slip changes, never the last slip\'s', async () => {
    const wrapper = await mountSheet(slip)
    const other = { ...slip, id: '37050220260401000009', verificationCode: 'A1B2-C3D4-E5F6' }
    await wrapper.setProps({ slip: other })
    await flushPromises()
    const url = `${window.location.origin}/slips/verify?code=A1B2-C3D4-E5F6&setlId=${other.id}`
    const expected = await qrDataUrl(url)
    const src = () => wrapper.find('[data-testid="slip-verify-qr-image"]').attributes('src')
    await vi.waitFor(() => expect(src()).toBe(expected))
    expect(wrapper.get('[data-testid="slip-verify-url"]').text()).toBe(url)
  })
})
