import type { CoverageData } from '../domain/coverage'
import type { Logger } from '../lib/logger'
import type { AppDeps, AppEnv } from '../lib/types'
import { createHash } from 'node:crypto'
import type { CoverageView } from '@yibao/shared'
import { CleanTextSchema, CoverageViewSchema, shanghaiDate, toShanghaiIso } from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { buildCoverage, residentEnrolment } from '../domain/coverage'
import { UpstreamError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { READ_TTL_MS } from '../lib/person-reads'
import { auditSubject, linkTarget, resolveSubject } from '../lib/resident'
import { validate } from '../lib/validate'
import { readCoverageCache, writeCoverageCache } from '../storage/coverage-cache'
import { getChronicFilings, getCumulativeUsage } from '../upstream/nhsa/coverage'

/** `?member=<family link id>` reads a bound family member's coverage; without it, one's own. */
export const CoverageQuerySchema = z.object({
  member: CleanTextSchema('家庭成员编号不正确').max(64, '家庭成员编号不正确').optional(),
  /** `1`: the person pressed 刷新 — ask the bureau now rather than reuse a copy from the last 30 s. */
  fresh: z.literal('1').optional(),
})

/** An unchanged view is written back to the cache at most this often per person and instance. */
const CACHE_REFRESH_MS = 60_000
/** Digests of what each instance last wrote, per app (bounded; forgetting only costs a write). */
const lastWrites = new WeakMap<AppDeps, Map<string, { digest: string, at: number }>>()
const MAX_REMEMBERED = 10_000

/** Saves the view of a person as their last known good coverage (sealed), skipping identical rewrites. */
async function remember(deps: AppDeps, certRef: string, data: CoverageData, at: Date): Promise<void> {
  const json = JSON.stringify(data)
  const digest = createHash('sha256').update(json).digest('base64url')
  let seen = lastWrites.get(deps)
  if (!seen) lastWrites.set(deps, seen = new Map())
  const last = seen.get(certRef)
  if (last && last.digest === digest && at.getTime() - last.at < CACHE_REFRESH_MS) return
  await writeCoverageCache(deps.storage.db, certRef, { payloadEnc: deps.vault.encrypt(json), asOf: at })
  if (seen.size >= MAX_REMEMBERED) seen.clear()
  seen.set(certRef, { digest, at: at.getTime() })
}

/** Asks the bureau (1101, 5206, 5301) and the tax bureau, then builds the view. Throws `UpstreamError` when one fails. */
async function fetchCoverage(deps: AppDeps, certNo: string, at: Date, logger: Logger): Promise<CoverageData> {
  const { nhsa, tax } = deps
  const [person, contributions] = await Promise.all([
    nhsa.getPersonInfo(certNo, { logger }),
    tax.getContributions(certNo, { logger }),
  ])
  const resident = residentEnrolment(person)
  const day = shanghaiDate(at)
  const [usage, chronic] = resident
    ? await Promise.all([
        getCumulativeUsage(nhsa, { psnNo: person.psnNo, admdvs: resident.regionCode, year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), logger }),
        getChronicFilings(nhsa, { psnNo: person.psnNo, admdvs: resident.regionCode, logger }),
      ])
    : [null, []]
  return buildCoverage({ person, contributions, usage, chronic, now: at })
}

/**
 * A person's coverage: the bureau's (reused for a few seconds unless `fresh`), remembered as their last good
 * view; when a bureau system fails, that last good view with `stale: true`, or the `UpstreamError` without one.
 * The resident's own page and the desk's read-only pane both call this.
 */
export async function readCoverage(
  deps: AppDeps,
  who: { certNo: string, certRef: string },
  opts: { fresh: boolean, logger: Logger },
): Promise<{ data: CoverageData, asOf: Date, stale: boolean }> {
  const at = deps.now()
  try {
    const read = await deps.personReads.read(who.certRef, 'coverage', READ_TTL_MS.coverage, async () => {
      const fresh = await fetchCoverage(deps, who.certNo, at, opts.logger)
      await remember(deps, who.certRef, fresh, at)
      return fresh
    }, { fresh: opts.fresh })
    return { data: read.value, asOf: read.loadedAt, stale: false }
  }
  catch (error) {
    if (!(error instanceof UpstreamError)) throw error
    // Only this person's own row: the key is their cert ref.
    const cached = await readCoverageCache(deps.storage.db, who.certRef)
    if (!cached) throw error
    opts.logger.warn({ system: error.system, kind: error.kind, asOf: toShanghaiIso(cached.asOf) }, 'coverage served from the last good copy')
    return { data: JSON.parse(deps.vault.decrypt(cached.payloadEnc)) as CoverageData, asOf: cached.asOf, stale: true }
  }
}

/**
 * 参保/待遇查询 of the signed-in resident or of a bound family member. When a bureau system fails, the
 * person's last good view is returned with `stale: true` and its `asOf`; without one, the usual 502/504.
 */
export const coverageRoutes = new Hono<AppEnv>()
  .get('/', doc({
    summary: '查询本人或家庭成员的参保缴费和待遇',
    description: '医保或税务系统暂不可用时，返回该人员上次成功查询的结果（`stale: true`，附查询时间 `asOf`）；'
      + '没有可用的结果时返回 502/504。',
    tag: '参保与待遇',
    audience: 'resident',
    ok: { 200: CoverageViewSchema },
    errors: { 404: ['NOT_FOUND', 'PERSON_NOT_FOUND'] },
    upstream: true,
  }), validate('query', CoverageQuerySchema), async (c) => {
    const query = c.req.valid('query')
    const subject = await resolveSubject(c, query.member)
    const { data, asOf, stale } = await readCoverage(c.get('deps'), subject, { fresh: query.fresh === '1', logger: c.get('logger') })
    await auditSubject(c, subject, { action: 'coverage.read', target: linkTarget(subject), success: true, ...(stale && { detail: { stale: true } }) })
    c.header('Cache-Control', 'no-store')
    const view: CoverageView = {
      ...data,
      subject: { channel: subject.channel, linkId: subject.linkId },
      stale,
      asOf: toShanghaiIso(asOf),
    }
    return c.json(view, 200)
  })
