import type { SlipListView } from '@yibao/shared'
import type { Context } from 'hono'
import type { Person } from '../domain/person'
import type { Subject } from '../lib/resident'
import type { AppEnv } from '../lib/types'
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
import { loadSlipFont, renderSlipPdf } from '../lib/slip-pdf'
import { validate } from '../lib/validate'
import { getSettlement, listSettlements, listSettlementsOfYear } from '../upstream/nhsa/settlements'

/** Who asks and whose slips: the subject (self or an active family link) and the bureau's person. */
async function subjectPerson(c: Context<AppEnv>, member: string | undefined): Promise<{ subject: Subject, person: Person, admdvs: string | null }> {
  const subject = await resolveSubject(c, member)
  const { nhsa, personReads } = c.get('deps')
  const { value: person } = await personReads.read(subject.certRef, '1101', READ_TTL_MS.personInfo, () => nhsa.getPersonInfo(subject.certNo, { logger: c.get('logger') }))
  // Somebody never enrolled has no 参保地 and no settlements; the bureau is not asked.
  return { subject, person, admdvs: person.regionCode || null }
}

/** One settlement (5203) of the subject, reused for a few minutes: a settled slip does not change. */
function settlementOf(c: Context<AppEnv>, subject: Subject, person: Person, setlId: string, admdvs: string) {
  const { nhsa, personReads } = c.get('deps')
  return personReads.read(subject.certRef, `5203:${setlId}`, READ_TTL_MS.settlement, () => getSettlement(nhsa, person.psnNo, setlId, { admdvs, logger: c.get('logger') }))
    .then(r => r.value)
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

const SetlIdParamSchema = z.object({
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
    const { nhsa, now } = c.get('deps')
    const { subject, person, admdvs } = await subjectPerson(c, q.member)
    const year = q.year ?? shanghaiYear(now())
    const page = admdvs === null
      ? { total: 0, items: [] }
      : await listSettlements(nhsa, person.psnNo, { year, page: q.page, pageSize: q.pageSize }, { admdvs, logger: c.get('logger') })
    await audit(c, subject, 'slip.list', true)
    c.header('Cache-Control', 'no-store')
    const list: SlipListView = {
      year,
      page: q.page,
      pageSize: q.pageSize,
      total: page.total,
      items: page.items.map(toSlipSummary),
    }
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
    const { subject, person, admdvs } = await subjectPerson(c, c.req.valid('query').member)
    const { env, now, personReads } = c.get('deps')
    const view = await auditedRead(c, subject, 'slip.read', setlId, async () => {
      if (admdvs === null) throw new AppError('NOT_FOUND', 404)
      // The view is a pure function of the settled slip, so it is reused with it.
      const { value } = await personReads.read(subject.certRef, `view:${setlId}`, READ_TTL_MS.settlement, async () => {
        const slip = await settlementOf(c, subject, person, setlId, admdvs)
        return toSlipView(slip, slipVerificationCode(env.PII_HASH_KEY, { setlId, total: slip.amounts.total, personalCash: slip.amounts.personalCash }), now())
      })
      return value
    })
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
    const { subject, person, admdvs } = await subjectPerson(c, c.req.valid('query').member)
    const { nhsa } = c.get('deps')
    const explanation = await auditedRead(c, subject, 'slip.explain', setlId, async () => {
      if (admdvs === null) throw new AppError('NOT_FOUND', 404)
      const opts = { admdvs, logger: c.get('logger') }
      const slip = await settlementOf(c, subject, person, setlId, admdvs)
      // The year's earlier slips carry their amounts into this stay (critical illness is annual).
      const year = await listSettlementsOfYear(nhsa, person.psnNo, Number(slip.settledAt.slice(0, 4)), opts)
      const earlier = await Promise.all(earlierInYear(slip, year).map(s => getSettlement(nhsa, person.psnNo, s.setlId, { ...opts, mdtrtId: s.mdtrtId })))
      return explainSlip({ slip, earlier, statuses: person.statuses, regionCode: person.regionCode || null })
    })
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
    const { env, now } = c.get('deps')
    const { subject, person, admdvs } = await subjectPerson(c, c.req.valid('query').member)
    const pdf = await auditedRead(c, subject, 'slip.pdf', setlId, async () => {
      if (admdvs === null) throw new AppError('NOT_FOUND', 404)
      const slip = await settlementOf(c, subject, person, setlId, admdvs)
      const font = await loadSlipFont(env.SLIP_PDF_FONT)
      if (!font) {
        c.get('logger').error({ setting: env.SLIP_PDF_FONT ?? 'default candidates' }, 'no CJK font for slip PDFs')
        throw new AppError('SLIP_PDF_UNAVAILABLE', 503)
      }
      const code = slipVerificationCode(env.PII_HASH_KEY, { setlId, total: slip.amounts.total, personalCash: slip.amounts.personalCash })
      return renderSlipPdf(toSlipView(slip, code, now()), font, now())
    })
    return c.body(new Uint8Array(pdf), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="slip-${setlId}.pdf"; filename*=UTF-8''${encodeURIComponent(`结算单-${setlId}.pdf`)}`,
      'Cache-Control': 'no-store',
    })
  })
