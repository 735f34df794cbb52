import { isValidIdCard } from '@yibao/shared'
import { describe, expect, it } from 'vitest'
import { createSandbox } from '../app'
import { DEMO_RESIDENT_CERT_NO } from '../seed/fixtures'

interface ResidentRow {
  name: string
  certNo: string
  region: { policyRegion: string, countyCode: string }
  category: string
  statuses: { status: string, label: string }[]
  household: { id: string, relationLabel: string, size: number }
  tags: string[]
}

describe('/__sandbox', () => {
  it('GET /health answers ok', async () => {
    const res = await createSandbox().app.request('/__sandbox/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('answers a browser\'s favicon request of its simulator pages with 204, not a 404', async () => {
    const res = await createSandbox().app.request('/favicon.ico')
    expect(res.status).toBe(204)
  })

  it('GET /residents lists every seeded resident with region, category, statuses and household', async () => {
    const { app, state } = createSandbox()
    const body = (await (await app.request('/__sandbox/residents')).json()) as { total: number, residents: ResidentRow[] }
    expect(body.total).toBe(state.residents.dataset.persons.length)
    expect(body.residents.every(r => isValidIdCard(r.certNo))).toBe(true)
    const demo = body.residents.find(r => r.certNo === DEMO_RESIDENT_CERT_NO)!
    expect(demo).toMatchObject({ name: '张秀英', region: { policyRegion: '370500', countyCode: '370502' }, category: 'adult', household: { relationLabel: '户主', size: 4 } })
    expect(demo.tags).toContain('demo')
  })

  it('GET /residents filters by region and tag', async () => {
    const { app } = createSandbox()
    const guizhou = (await (await app.request('/__sandbox/residents?region=520000')).json()) as { residents: ResidentRow[] }
    expect(guizhou.residents.length).toBeGreaterThan(0)
    expect(guizhou.residents.every(r => r.region.countyCode.startsWith('52'))).toBe(true)
    const demo = (await (await app.request('/__sandbox/residents?tag=demo')).json()) as { residents: ResidentRow[] }
    expect(demo.residents.map(r => r.certNo)).toEqual([DEMO_RESIDENT_CERT_NO])
  })
})
