import type { FamilyLinkView, SlipSummary } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { shanghaiYear, slipYears } from '@yibao/shared'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from '../../i18n'
import SlipsPage from './SlipsPage.vue'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const THIS_YEAR = shanghaiYear(new Date())

function summary(n: number, year = 2025): SlipSummary {
  const day = String(n).padStart(2, '0')
  return {
    id: `S${year}${day}`,
    settledAt: `${year}-03-${day}T10:00:00.000+08:00`,
    admittedAt: `${year}-03-01T09:00:00.000+08:00`,
    dischargedAt: `${year}-03-${day}T09:30:00.000+08:00`,
    hospitalName: `第${n}医院`,
    medType: '21',
    medTypeLabel: '普通住院',
    total: 10_000_00 + n,
    fundPay: 7_000_00,
    personalCash: 3_000_00 + n,
  }
}

const child: FamilyLinkView = { id: 'link-1', name: '刘**', certNo: '370502********0825', relation: 'grandchild', relationLabel: '孙子女/外孙子女', status: 'active', createdAt: '2026-11-01T00:00:00.000Z' }
const pending: FamilyLinkView = { ...child, id: 'link-2', name: '王**', status: 'pending_consent' }

/**
 * 12 slips in 2025 for the resident (none when `noSlips`), one in the current year for the child; records every
 * query. Without a year the BFF answers the newest of the pickable years with slips, else this year.
 */
let queries: Record<string, string>[] = []
function bff({ noSlips = false } = {}) {
  queries = []
  const mine = noSlips ? [] : Array.from({ length: 12 }, (_, i) => summary(12 - i))
  const slipsOf = (member: string | undefined, year: number) =>
    member === 'link-1' ? (year === THIS_YEAR ? [summary(5, THIS_YEAR)] : []) : year === 2025 ? mine : []
  server.use(
    http.get('*/api/v1/family/links', () => HttpResponse.json([child, pending])),
    http.get('*/api/v1/slips', ({ request }) => {
      const q = Object.fromEntries(new URL(request.url).searchParams)
      queries.push(q)
      const year = q.year ? Number(q.year) : slipYears(THIS_YEAR).find(y => slipsOf(q.member, y).length) ?? THIS_YEAR
      const list = slipsOf(q.member, year)
      const page = Number(q.page)
      const size = Number(q.pageSize)
      return HttpResponse.json({ year, page, pageSize: size, total: list.length, items: list.slice((page - 1) * size, page * size) })
    }),
  )
}

async function mountAt(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/slips', name: 'slips', component: SlipsPage },
      { path: '/slips/:id', name: 'slip', component: { template: '<p>detail</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

describe('SlipsPage (结算单)', () => {
  it('opens on the newest year that has slips (not an empty this year), and pages on in that year', async () => {
    bff()
    const { wrapper, router } = await mountAt('/slips')
    // No year asked: the BFF picks it, and the page shows the one it answered.
    expect(queries[0]).toEqual({ page: '1', pageSize: '10' })
    expect((wrapper.get('[data-testid="year-select"]').element as HTMLSelectElement).value).toBe('2025')
    expect(wrapper.get('[data-testid="slips-count"]').text()).toBe('2025年共 12 张结算单')
    expect(wrapper.find('[data-testid="slips-empty"]').exists()).toBe(false)
    expect(router.currentRoute.value.query).toEqual({})
    await wrapper.get('[data-testid="load-more"]').trigger('click')
    await flushPromises()
    expect(queries.at(-1)).toEqual({ year: '2025', page: '2', pageSize: '10' })
    expect(wrapper.findAll('[data-testid="slip-item"]')).toHaveLength(12)
    // This year asked for: this year, empty.
    await wrapper.get('[data-testid="year-select"]').setValue(String(THIS_YEAR))
    await flushPromises()
    expect(queries.at(-1)).toEqual({ year: String(THIS_YEAR), page: '1', pageSize: '10' })
    expect(wrapper.get('[data-testid="slips-empty"]').text()).toBe(`${THIS_YEAR}年没有住院结算记录`)
    wrapper.unmount()
  })

  it('shows this year, empty, when no year has slips, and the bound family members to switch to', async () => {
    bff({ noSlips: true })
    const { wrapper } = await mountAt('/slips')
    expect(queries[0]).toEqual({ page: '1', pageSize: '10' })
    expect(wrapper.get('[data-testid="slips-empty"]').text()).toBe(`${THIS_YEAR}年没有住院结算记录`)
    expect(wrapper.get('[data-testid="member-self"]').attributes('aria-pressed')).toBe('true')
    // Only active links are offered.
    expect(wrapper.findAll('[data-testid="member-option"]').map(b => b.text())).toEqual(['刘**（孙子女/外孙子女）'])
    wrapper.unmount()
  })

  it('picks a year, pages ten at a time with 加载更多, and links each slip with its member', async () => {
    bff()
    const { wrapper, router } = await mountAt('/slips')
    await wrapper.get('[data-testid="year-select"]').setValue('2025')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ year: '2025' })
    expect(wrapper.get('[data-testid="slips-count"]').text()).toBe('2025年共 12 张结算单')
    expect(wrapper.findAll('[data-testid="slip-item"]')).toHaveLength(10)
    const first = wrapper.get('[data-testid="slip-item"]')
    expect(first.text()).toContain('第12医院')
    expect(first.text()).toContain('普通住院 · 住院 2025年3月1日 至 2025年3月12日')
    expect(first.text()).toContain('医疗费总额 ¥10,000.12')
    expect(first.text()).toContain('个人支付 ¥3,000.12')
    expect(first.attributes('href')).toBe('/slips/S202512')

    await wrapper.get('[data-testid="load-more"]').trigger('click')
    await flushPromises()
    expect(queries.at(-1)).toEqual({ year: '2025', page: '2', pageSize: '10' })
    expect(wrapper.findAll('[data-testid="slip-item"]')).toHaveLength(12)
    expect(wrapper.find('[data-testid="load-more"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('已全部显示')
    wrapper.unmount()
  })

  it('switches to a family member\'s slips and carries the link into the detail links', async () => {
    bff()
    const { wrapper, router } = await mountAt('/slips')
    await wrapper.get('[data-testid="member-option"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ member: 'link-1' })
    expect(queries.at(-1)).toEqual({ page: '1', pageSize: '10', member: 'link-1' })
    expect(wrapper.get('[data-testid="slip-item"]').attributes('href')).toBe(`/slips/S${THIS_YEAR}05?member=link-1`)
    expect(wrapper.get('[data-testid="member-option"]').attributes('aria-pressed')).toBe('true')
    wrapper.unmount()
  })

  it('shows the Chinese error with its request id when the bureau cannot be reached', async () => {
    server.use(
      http.get('*/api/v1/family/links', () => HttpResponse.json([])),
      http.get('*/api/v1/slips', () => HttpResponse.json({ error: { code: 'UPSTREAM_UNAVAILABLE', message: '医保信息平台暂时无法访问，请稍后再试', requestId: 'req-9' } }, { status: 502 })),
    )
    const { wrapper } = await mountAt('/slips?year=2025')
    expect(wrapper.get('[role="alert"]').text()).toContain('医保信息平台暂时无法访问，请稍后再试')
    expect(wrapper.get('[role="alert"]').text()).toContain('req-9')
    expect(wrapper.find('[data-testid="slips-empty"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
