import type { SandboxTag } from '../seed/model'
import type { SandboxEnv, SandboxState } from '../state'
import { ageOn, PERSON_CATEGORY_LABELS } from '@yibao/shared'
import { Hono } from 'hono'
import { FaultConfigSchema } from '../faults/config'
import { PSN_IDET_TYPES } from '../nhsa/dictionaries'
import { county, POLICY_REGION_NAMES } from '../seed/regions'
import { contributionsOf } from '../tax/contributions'

/**
 * Sandbox-only control and demo endpoints under `/__sandbox`. They are never faulted and never exist on
 * a real bureau system. `advanceClock` (the BFF's SANDBOX_CLOCK, when the sandbox is embedded) backs
 * `POST /__sandbox/clock/advance`.
 */
export function adminRoutes(state: SandboxState, advanceClock?: (ms: number) => void): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>().basePath('/__sandbox')

  app.get('/health', c => c.json({ ok: true }))

  app.get('/faults', c => c.json({ faults: state.faults.run }))

  app.put('/faults', async (c) => {
    let body: unknown
    try {
      body = await c.req.json()
    }
    catch {
      return c.json({ ok: false, error: 'body must be JSON' }, 400)
    }
    const parsed = FaultConfigSchema.safeParse(body)
    if (!parsed.success) return c.json({ ok: false, error: parsed.error.issues.map(i => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') }, 400)
    state.faults.run = parsed.data
    return c.json({ ok: true, faults: state.faults.run })
  })

  app.delete('/faults', (c) => {
    state.faults.run = null
    return c.json({ ok: true, faults: null })
  })

  // Moves the clock the BFF and this sandbox share forward (`{ ms }`), e.g. to the next day's trade bill.
  app.post('/clock/advance', async (c) => {
    if (!advanceClock) {
      const error = 'no clock to advance: only a BFF on SANDBOX_CLOCK with SANDBOX=embedded offers this control'
      return c.json({ ok: false, error }, 404)
    }
    let body: unknown
    try {
      body = await c.req.json()
    }
    catch {
      return c.json({ ok: false, error: 'body must be JSON' }, 400)
    }
    const ms = (body as { ms?: unknown } | null)?.ms
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms <= 0)
      return c.json({ ok: false, error: 'ms: a positive whole number of milliseconds (the clock moves forward only)' }, 400)
    try {
      advanceClock(ms)
    }
    catch (error) {
      if (error instanceof RangeError) return c.json({ ok: false, error: `ms: ${error.message}` }, 400)
      throw error
    }
    return c.json({ ok: true, now: state.now().toISOString() })
  })

  // Demo helper: who can I log in as? Filters: ?region=370500|610322|520000, ?county=52 (prefix), ?tag=demo.
  app.get('/residents', (c) => {
    const region = c.req.query('region')
    const persons = state.residents.listPersons({
      policyRegion: region === '370500' || region === '610322' || region === '520000' ? region : undefined,
      countyCode: c.req.query('county'),
      tag: c.req.query('tag') as SandboxTag | undefined,
    })
    const now = state.now()
    const residents = persons.map((p) => {
      const home = county(p.countyCode)
      const household = state.residents.findHousehold(p.householdId)
      return {
        name: p.name,
        certNo: p.certNo,
        psnNo: p.psnNo,
        sex: p.sex,
        birthDate: p.birthDate,
        age: Math.max(0, ageOn(p.birthDate, now)),
        mobile: p.mobile,
        region: { policyRegion: p.policyRegion, policyRegionName: POLICY_REGION_NAMES[p.policyRegion], countyCode: p.countyCode, countyName: home.name },
        category: p.category,
        categoryLabel: PERSON_CATEGORY_LABELS[p.category],
        psnType: p.psnType,
        statuses: p.statuses.map(s => ({ status: s.status, idetType: s.idetType, label: PSN_IDET_TYPES[s.idetType].label, begin: s.begin, end: s.end })),
        household: { id: p.householdId, relation: p.relation, relationLabel: p.relationLabel, size: household?.memberCertNos.length ?? 1, headCertNo: household?.headCertNo ?? p.certNo },
        insurance: p.insurance.map(r => ({ insutype: r.insutype, admdvs: r.admdvs, since: r.insuDate, endDate: r.endDate, endReason: r.endReason })),
        paidYears: contributionsOf(p, now).filter(x => x.paid).map(x => x.year),
        deathDate: p.deathDate,
        ecToken: p.ecToken,
        tags: p.tags,
      }
    })
    return c.json({ total: residents.length, residents })
  })

  return app
}
