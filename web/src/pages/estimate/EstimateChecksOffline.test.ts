import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { i18n } from '../../i18n'
import EstimatePage from './EstimatePage.vue'

// The form's checks are a chunk of their own, loaded on first use: here it cannot be fetched (a dropped
// connection before the first touch, or a chunk gone after a deploy).
vi.mock('./estimate-checks', () => {
  throw new TypeError('Failed to fetch dynamically imported module')
})

describe('EstimatePage when its form checks cannot load', () => {
  it('says so above the button, shows no figures, keeps what was typed; the next tap again', async () => {
    const wrapper = mount(EstimatePage, { global: { plugins: [i18n] }, attachTo: document.body })
    await wrapper.get('[data-testid="policy-dongying-2020"]').setValue(true)
    await wrapper.get('[data-testid$="total"]').setValue('50000')
    await wrapper.get('[data-testid="estimate-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[data-testid="estimate-unavailable"]').text()).toBe('暂时无法测算，请检查网络后再试')
    expect(wrapper.get('[data-testid="estimate-unavailable"]').attributes('role')).toBe('alert')
    expect(wrapper.find('[data-testid="settlement-bar"]').exists()).toBe(false)
    expect((wrapper.get('[data-testid$="total"]').element as HTMLInputElement).value).toBe('50000')
    await wrapper.get('[data-testid="estimate-form"]').trigger('submit')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="estimate-unavailable"]')).toHaveLength(1)
    wrapper.unmount()
  })
})
