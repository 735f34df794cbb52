import type { SlipExplanation, SlipListView, SlipView } from '@yibao/shared'
import type { Context } from 'hono'
import type { Person } from '../domain/person'
import type { Logger } from '../lib/logger'
import type { Subject } from '../lib/resident'
import type { AppDeps, AppEnv } from '../lib/types'
import {
  CleanTextSchema,
  shanghaiYear,
  SlipExplanationSchema,
  SlipListQuerySchema,
  SlipListViewSchema,
  SlipMemberQuerySchema,
  SlipVerificationCodeSchema,
  SlipVerificationSchema,
  SlipVerifyQuerySchema,
  SlipViewSchema,
  slipYears,
  yuanToFen,
} from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { earlierInYear, explainSlip, toSlipSummary, toSlipView } from '../domain/slip'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { READ_TTL_MS } from '../lib/person-reads'
import { rateLimit } from '../lib/rate-limit'
import { auditSubject, resolveSubject } from '../lib/resident'
import { slipVerificationCode, verifySlipCode } from '../lib/slip-code'
import { validate } from '../lib/validate'
import { getSettlement, listSettlements, listSettlementsOfYear } from '../upstream/nhsa/settlements'

/** Whose slips: the person's cert ref (the cache key), the bureau's person and their 参保地 (null: never enrolled). */
export interface SlipOwner { certRef: string, person: Person, admdvs: string | null }

/** The bureau's person behind a cert number, as the owner of slips. */
export async function slipOwner(deps: AppDeps, who: { certNo: string, certRef: string }, logger: Logger): Promise<SlipOwner> {
  const { nhsa, personReads } = deps
  const { value: person } = await personReads.read(who.certRef, '1101', READ_TTL_MS.personInfo, () => nhsa.getPersonInfo(who.certNo, { logger }))
  // Somebody never enrolled has no 参保地 and no settlements; the bureau is not asked.
  return { certRef: who.certRef, person, admdvs: person.regionCode || null }
}

/** Who asks and whose slips: the subject (self or an active family link) and the bureau's person. */
async function subjectPerson(c: Context<AppEnv>, member: string | undefined): Promise<{ subject: Subject } & SlipOwner> {
  const subject = await resolveSubject(c, member)
  return { subject, ...await slipOwner(c.get('deps'), subject, c.get('logger')) }
}

/** One settlement (5203) of the owner, reused for a few minutes: a settled slip does not change. 404 when not theirs. */
function settlementOf(deps: AppDeps, owner: SlipOwner, setlId: string, logger: Logger) {
  const { admdvs } = owner
  if (admdvs === null) throw new AppError('NOT_FOUND', 404)
  return deps.personReads.read(owner.certRef, `5203:${setlId}`, READ_TTL_MS.settlement, () => getSettlement(deps.nhsa, owner.person.psnNo, setlId, { admdvs, logger }))
    .then(r => r.value)
}

/** One page of the owner's slips of a year; no year: the newest year with slips (each asked in turn). */
export async function slipPage(deps: AppDeps, owner: SlipOwner, q: { year?: number, page: number, pageSize: number }, logger: Logger): Promise<SlipListView> {
  const years = q.year ? [q.year] : slipYears(shanghaiYear(deps.now()))
  let year = years[0]!
  let page: Awaited<ReturnType<typeof listSettlements>> = { total: 0, items: [] }
  if (owner.admdvs !== null) {
    for (const y of years) {
      page = await listSettlements(deps.nhsa, owner.person.psnNo, { year: y, page: q.page, pageSize: q.pageSize }, { admdvs: owner.admdvs, logger })
      if (page.total > 0) {
        year = y
        break
      }
    }
  }
  return { year, page: q.page, pageSize: q.pageSize, total: page.total, items: page.items.map(toSlipSummary) }
}

/** The 一站式结算单 of one of the owner's settlements (404 when not theirs). */
export async function slipView(deps: AppDeps, owner: SlipOwner, setlId: string, logger: Logger): Promise<SlipView> {
  const { env, now, personReads } = deps
  if (owner.admdvs === null) throw new AppError('NOT_FOUND', 404)
  // The view is a pure function of the settled slip, so it is reused with it.
  const { value } = await personReads.read(owner.certRef, `view:${setlId}`, READ_TTL_MS.settlement, async () => {
    const slip = await settlementOf(deps, owner, setlId, logger)
    return toSlipView(slip, slipVerificationCode(env.PII_HASH_KEY, { setlId, total: slip.amounts.total, personalCash: slip.amounts.personalCash }), now())
  })
  return value
}

/** The slip checked line by line against the published policy (404 when not the owner's). */
export async function slipExplanation(deps: AppDeps, owner: SlipOwner, setlId: string, logger: Logger): Promise<SlipExplanation> {
  const slip = await settlementOf(deps, owner, setlId, logger)
  const { nhsa } = deps
  const { person } = owner
  const opts = { admdvs: owner.admdvs!, logger }
  // The year's earlier slips carry their amounts into this stay (critical illness is annual).
  const year = await listSettlementsOfYear(nhsa, person.psnNo, Number(slip.settledAt.slice(0, 4)), opts)
  const earlier = await Promise.all(earlierInYear(slip, year).map(s => getSettlement(nhsa, person.psnNo, s.setlId, { ...opts, mdtrtId: s.mdtrtId })))
  return explainSlip({ slip, earlier, statuses: person.statuses, regionCode: person.regionCode || null })
}

/** The slip as a PDF (404 when not the owner's; 503 SLIP_PDF_UNAVAILABLE without a CJK font). `origin`: of the QR code. */
export async function slipPdf(deps: AppDeps, owner: SlipOwner, setlId: string, at: { origin: string, logger: Logger }): Promise<Buffer> {
  const { env, now } = deps
  const slip = await settlementOf(deps, owner, setlId, at.logger)
  const code = slipVerificationCode(env.PII_HASH_KEY, { setlId, total: slip.amounts.total, personalCash: slip.amounts.personalCash })
  const view = toSlipView(slip, code, now())
  return deps.pdf.render({ kind: 'slip', view, printedAt: now(), origin: at.origin }, at.logger)
}

/** How a slip PDF is sent: an attachment named after the settlement. */
export function slipPdfHeaders(setlId: string): Record<string, string> {
  return {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="slip-${setlId}.pdf"; filename*=UTF-8''${encodeURIComponent(`结算单-${setlId}.pdf`)}`,
    'Cache-Control': 'no-store',
  }
}

function audit(c: Context<AppEnv>, subject: Subject, action: string, success: boolean, target?: string) {
  return auditSubject(c, subject, { action, success, target })
}

/**
 * Runs a read of one slip and audits it either way: an id that is not the subject's (IDOR attempt or
 * stale link) is recorded as a failed read, then answered 404.
 */
async function auditedRead<T>(c: Context<AppEnv>, subject: Subject, action: string, setlId: string, read: () => Promise<T>): Promise<T> {
  try {
    const result = await read()
    await audit(c, subject, action, true, `slip:${setlId}`)
    return result
  }
  catch (err) {
    if (err instanceof AppError && err.status === 404) await audit(c, subject, action, false, `slip:${setlId}`)
    throw err
  }
}

export const SetlIdParamSchema = z.object({
  setlId: CleanTextSchema('结算编号不正确').trim().min(1, '结算编号不正确').max(40, '结算编号不正确').regex(/^[\w-]+$/, '结算编号不正确'),
})

/**
 * 结算单: a resident's (or a bound family member's) settlement slips — list by year, the 一站式结算单,
 * the explanation against the published policy, the PDF — and the public check of a slip's 校验码.
 * Every read of personal data is audited with channel `self` or `family`.
 */
export const slipRoutes = new Hono<AppEnv>()
  .get('/verify/:code', doc({
    summary: '核验结算单校验码（无需登录）',
    description: '凭结算编号、医疗费总额、个人现金支付和校验码确认结算单由本服务出具；不返回任何个人信息。',
    tag: '结算单',
    audience: 'public',
    ok: { 200: SlipVerificationSchema },
  }), rateLimit({ bucket: 'slip-verify', limit: 30, windowSeconds: 60 }),
  validate('param', z.object({ code: SlipVerificationCodeSchema })), validate('query', SlipVerifyQuerySchema),
  async (c) => {
    // Public: confirms that this service issued the code for a slip with these figures; returns nothing else.
    const { code } = c.req.valid('param')
    const q = c.req.valid('query')
    const valid = verifySlipCode(c.get('deps').env.PII_HASH_KEY, code, { setlId: q.setlId, total: yuanToFen(q.total)!, personalCash: yuanToFen(q.personalCash)! })
    await c.get('deps').audit.record({ actorType: 'anonymous', actorId: 'public', channel: 'public', action: 'slip.verify', success: valid, requestId: c.get('requestId'), clientIp: c.get('deps').clientIp(c) })
    c.header('Cache-Control', 'no-store')
    return c.json({ valid }, 200)
  })
  .get('/', doc({
    summary: '查看本人或家庭成员某一年度的结算单',
    tag: '结算单',
    audience: 'resident',
    ok: { 200: SlipListViewSchema },
    errors: { 404: ['NOT_FOUND', 'PERSON_NOT_FOUND'] },
    upstream: true,
  }), validate('query', SlipListQuerySchema), async (c) => {
    const q = c.req.valid('query')
    const { subject, ...owner } = await subjectPerson(c, q.member)
    const list = await slipPage(c.get('deps'), owner, q, c.get('logger'))
    await audit(c, subject, 'slip.list', true)
    c.header('Cache-Control', 'no-store')
    return c.json(list, 200)
  })
  .get('/:setlId', doc({
    summary: '查看一张一站式结算单',
    tag: '结算单',
    audience: 'resident',
    ok: { 200: SlipViewSchema },
    errors: { 404: ['PERSON_NOT_FOUND'] },
    upstream: true,
  }), validate('param', SetlIdParamSchema), validate('query', SlipMemberQuerySchema), async (c) => {
    const { setlId } = c.req.valid('param')
    const { subject, ...owner } = await subjectPerson(c, c.req.valid('query').member)
    const view = await auditedRead(c, subject, 'slip.read', setlId, () => slipView(c.get('deps'), owner, setlId, c.get('logger')))
    c.header('Cache-Control', 'no-store')
    return c.json(view, 200)
  })
  .get('/:setlId/explanation', doc({
    summary: '看懂这张结算单：按公布的政策逐项核对',
    tag: '结算单',
    audience: 'resident',
    ok: { 200: SlipExplanationSchema },
    errors: { 404: ['PERSON_NOT_FOUND'] },
    upstream: true,
  }), validate('param', SetlIdParamSchema), validate('query', SlipMemberQuerySchema), async (c) => {
    const { setlId } = c.req.valid('param')
    const { subject, ...owner } = await subjectPerson(c, c.req.valid('query').member)
    const explanation = await auditedRead(c, subject, 'slip.explain', setlId, () => slipExplanation(c.get('deps'), owner, setlId, c.get('logger')))
    c.header('Cache-Control', 'no-store')
    return c.json(explanation, 200)
  })
  .get('/:setlId/pdf', doc({
    summary: '下载结算单PDF',
    tag: '结算单',
    audience: 'resident',
    ok: { 200: { media: 'application/pdf', description: '一站式结算单（PDF，附件下载）' } },
    errors: { 404: ['PERSON_NOT_FOUND'], 503: ['SLIP_PDF_UNAVAILABLE'] },
    upstream: true,
  }), validate('param', SetlIdParamSchema), validate('query', SlipMemberQuerySchema), async (c) => {
    const { setlId } = c.req.valid('param')
    const { subject, ...owner } = await subjectPerson(c, c.req.valid('query').member)
    // The QR code points at the verification page of the public origin (the request's own without one).
    const origin = c.get('deps').env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin
    const pdf = await auditedRead(c, subject, 'slip.pdf', setlId, () => slipPdf(c.get('deps'), owner, setlId, { origin, logger: c.get('logger') }))
    return c.body(new Uint8Array(pdf), 200, slipPdfHeaders(setlId))
  })
