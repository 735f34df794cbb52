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

  describe('POST /clock/advance', () => {
    const post = (app: ReturnType<typeof createSandbox>['app'], body: string) =>
      app.request('/__sandbox/clock/advance', { method: 'POST', headers: { 'content-type': 'application/json' }, body })

    /** A sandbox on a clock it may move (as the BFF's SANDBOX_CLOCK, frozen here), refusing past 2100. */
    function movable() {
      let t = Date.parse('2026-11-15T10:00:00+08:00')
      const advanceClock = (ms: number) => {
        if (t + ms >= Date.parse('2100-01-01T00:00:00Z')) throw new RangeError('past 2100')
        t += ms
      }
      return createSandbox({ now: () => new Date(t), advanceClock }).app
    }

    it('moves the shared clock forward and answers the new time', async () => {
      const app = movable()
      const res = await post(app, JSON.stringify({ ms: 86_400_000 + 5 * 60_000 }))
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ ok: true, now: '2026-11-16T02:05:00.000Z' })
      // Each move adds to the last.
      await post(app, JSON.stringify({ ms: 1000 }))
      const again = await post(app, JSON.stringify({ ms: 1 }))
      expect((await again.json() as { now: string }).now).toBe('2026-11-16T02:05:01.001Z')
    })

    it('answers 404 with why when the sandbox has no clock to move (its own clock, or SANDBOX=external)', async () => {
      const res = await post(createSandbox().app, JSON.stringify({ ms: 1000 }))
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ ok: false, error: expect.stringMatching(/SANDBOX_CLOCK.*SANDBOX=embedded/) })
    })

    it('refuses anything but a positive whole number of ms, and leaves the clock alone', async () => {
      const app = movable()
      const bodies = ['not json', '{}', 'null', '{"ms":0}', '{"ms":-1}', '{"ms":1.5}', '{"ms":"1000"}', '{"ms":1e300}']
      for (const body of bodies) {
        const res = await post(app, body)
        expect(res.status, body).toBe(400)
        expect((await res.json() as { error: string }).error, body).toMatch(/JSON|ms:/)
      }
      const tooFar = await post(app, JSON.stringify({ ms: 100 * 365 * 86_400_000 }))
      expect(tooFar.status).toBe(400)
      expect(await tooFar.json()).toEqual({ ok: false, error: 'ms: past 2100' })
      expect((await (await post(app, '{"ms":1}')).json() as { now: string }).now).toBe('2026-11-15T02:00:00.001Z')
    })
  })
})
