import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '../i18n'
import ServiceGrid from './ServiceGrid.vue'

async function mountGrid() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:rest(.*)', component: { template: '<p />' } }] })
  const grid = mount(ServiceGrid, { props: { audience: 'resident' }, global: { plugins: [i18n, router] } })
  await router.isReady()
  return grid
}
const tile = (grid: Awaited<ReturnType<typeof mountGrid>>, key: string) => grid.get(`[data-service="${key}"]`)
const words = (grid: Awaited<ReturnType<typeof mountGrid>>, key: string) =>
  tile(grid, key).findAll('.service-grid__word').map(w => w.text())

afterEach(async () => { await setLocale('zh-CN') })

describe('serviceGrid', () => {
  it('breaks a label only between whole words: 异地就医 | 备案, never 异地就医备/案', async () => {
    const grid = await mountGrid()
    const label = tile(grid, 'crossRegion').get('.service-grid__label')
    expect(words(grid, 'crossRegion')).toEqual(['异地就医', '备案'])
    // The only place it may break is the <wbr> between the words; the name is unchanged (no space).
    expect(label.element.innerHTML.replace(/<!--.*?-->| data-v-\w+=""/g, '')).toBe(
      '<span class="service-grid__word">异地就医</span><wbr><span class="service-grid__word">备案</span>',
    )
    expect(label.text()).toBe('异地就医备案')
    expect(words(grid, 'pay')).toEqual(['参保', '缴费'])
    expect(words(grid, 'slips')).toEqual(['结算单'])
    expect(tile(grid, 'slips').find('wbr').exists()).toBe(false)
  })

  it('keeps the spaces of a language that has them', async () => {
    await setLocale('en')
    const grid = await mountGrid()
    expect(words(grid, 'crossRegion')).toEqual(['Cross-region', 'care'])
    expect(tile(grid, 'crossRegion').get('.service-grid__label').text()).toBe('Cross-region care')
    expect(tile(grid, 'crossRegion').find('wbr').exists()).toBe(false)
  })
})
