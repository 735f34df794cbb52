import type { DeskCoverageView, DeskReceiptList } from '@yibao/shared'
import type { Context } from 'hono'
import type { DeskPerson } from '../lib/desk-acts'
import type { DeskEnv } from '../lib/staff'
import type { AppEnv } from '../lib/types'
import {
  DeskCoverageViewSchema,
  DeskReadInputSchema,
  DeskReceiptInputSchema,
  DeskReceiptListSchema,
  DeskSlipInputSchema,
  DeskSlipListInputSchema,
  SlipExplanationSchema,
  SlipListViewSchema,
  SlipViewSchema,
  toShanghaiIso,
} from '@yibao/shared'
import { Hono } from 'hono'
import { openDeskPerson } from '../lib/desk-acts'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'
import { rateLimit } from '../lib/rate-limit'
import { auditStaff, staffGuard } from '../lib/staff'
import { validate } from '../lib/validate'
import { issuedReceipt, receiptFacts } from '../payments/receipts'
import { receiptLinesOf } from '../storage/desk-receipts'
import { DESK_PRINCIPAL_PREFIX, findLine } from '../storage/payments'
import { readCoverage } from './coverage'
import { DESK_LOOKUPS_PER_MINUTE } from './desk'
import { slipExplanation, slipOwner, slipPage, slipPdf, slipPdfHeaders, slipView } from './slips'

/** Reads a clerk may do per minute for the people they serve (each a page of a pane). */
export const DESK_READS_PER_MINUTE = 4 * DESK_LOOKUPS_PER_MINUTE

const reads = rateLimit({
  bucket: 'desk-reads',
  limit: DESK_READS_PER_MINUTE,
  windowSeconds: 60,
  key: (c: Context<AppEnv>) => `staff:${c.get('session')?.accountId}`,
})

/**
 * Opens the person (handle or typed number, region-checked; a refusal audited), runs the read, and audits it with
 * the clerk as actor and the person as subject, success or not (a slip or receipt that is not theirs: 404, audited).
 */
async function auditedDeskRead<T>(
  c: Context<DeskEnv>,
  input: { certNo?: string, subject?: string },
  action: string,
  target: string | undefined,
  read: (who: DeskPerson) => Promise<T>,
): Promise<T> {
  const who = await openDeskPerson(c, input, action)
  try {
    const result = await read(who)
    await auditStaff(c, { ...who.audit, action, target, success: true })
    return result
  }
  catch (error) {
    const outcome = error instanceof AppError ? error.code : 'upstream_failed'
    await auditStaff(c, { ...who.audit, action, target, success: false, detail: { outcome } })
    throw error
  }
}

const refusals = {
  400: ['DESK_SUBJECT_EXPIRED'],
  403: ['OUT_OF_REGION'],
  404: ['PERSON_NOT_FOUND'],
} as const

function pdfOrigin(c: Context<DeskEnv>): string {
  // The QR code points at the public check of the public origin (the request's own without one).
  return c.get('deps').env.PUBLIC_ORIGIN ?? new URL(c.req.url).origin
}

/**
 * 窗口查询: read-only views a clerk opens for the resident at the counter — coverage and 待遇, settlement slips with
 * their explanation and the slip printed, and payment receipts reprinted — through the same services as the
 * resident's own pages. The person is the sealed handle of a scan or a typed ID number in the POST body; each
 * read is region-checked and audited with the clerk as actor and the resident as subject, refusals too.
 */
export const deskReadRoutes = new Hono<DeskEnv>()
  .post('/coverage',
    doc({
      summary: '窗口查询：参保人的参保缴费和待遇（只读）',
      description: '与参保人本人“参保与待遇”页相同的内容。医保或税务系统暂不可用时返回上次成功查询的结果（`stale: true`）。',
      tag: '窗口查询',
      audience: 'staff',
      ok: { 200: DeskCoverageViewSchema },
      errors: refusals,
      upstream: true,
    }),
    staffGuard(),
    reads,
    validate('json', DeskReadInputSchema),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const view = await auditedDeskRead(c, input, 'desk.coverage.read', undefined, async (who) => {
        const { data, asOf, stale } = await readCoverage(deps, { certNo: who.certNo, certRef: who.audit.subjectRef }, {
          fresh: false,
          logger: c.get('logger'),
        })
        const body: DeskCoverageView = { ...data, stale, asOf: toShanghaiIso(asOf) }
        return body
      })
      c.header('Cache-Control', 'no-store')
      return c.json(view, 200)
    })
  .post('/slips',
    doc({
      summary: '窗口查询：参保人某一年度的结算单',
      tag: '窗口查询',
      audience: 'staff',
      ok: { 200: SlipListViewSchema },
      errors: refusals,
      upstream: true,
    }),
    staffGuard(),
    reads,
    validate('json', DeskSlipListInputSchema),
    async (c) => {
      const { year, page, pageSize, ...input } = c.req.valid('json')
      const deps = c.get('deps')
      const logger = c.get('logger')
      const list = await auditedDeskRead(c, input, 'desk.slip.list', undefined, async (who) => {
        const owner = await slipOwner(deps, { certNo: who.certNo, certRef: who.audit.subjectRef }, logger)
        return slipPage(deps, owner, { year, page, pageSize }, logger)
      })
      c.header('Cache-Control', 'no-store')
      return c.json(list, 200)
    })
  .post('/slips/view',
    doc({
      summary: '窗口查询：一张一站式结算单',
      tag: '窗口查询',
      audience: 'staff',
      ok: { 200: SlipViewSchema },
      errors: { ...refusals, 404: ['PERSON_NOT_FOUND', 'NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    reads,
    validate('json', DeskSlipInputSchema),
    async (c) => {
      const { setlId, ...input } = c.req.valid('json')
      const deps = c.get('deps')
      const logger = c.get('logger')
      const view = await auditedDeskRead(c, input, 'desk.slip.read', `slip:${setlId}`, async (who) => {
        const owner = await slipOwner(deps, { certNo: who.certNo, certRef: who.audit.subjectRef }, logger)
        return slipView(deps, owner, setlId, logger)
      })
      c.header('Cache-Control', 'no-store')
      return c.json(view, 200)
    })
  .post('/slips/explanation',
    doc({
      summary: '窗口查询：结算单逐项说明（按公布的政策核对）',
      tag: '窗口查询',
      audience: 'staff',
      ok: { 200: SlipExplanationSchema },
      errors: { ...refusals, 404: ['PERSON_NOT_FOUND', 'NOT_FOUND'] },
      upstream: true,
    }),
    staffGuard(),
    reads,
    validate('json', DeskSlipInputSchema),
    async (c) => {
      const { setlId, ...input } = c.req.valid('json')
      const deps = c.get('deps')
      const logger = c.get('logger')
      const explanation = await auditedDeskRead(c, input, 'desk.slip.explain', `slip:${setlId}`, async (who) => {
        const owner = await slipOwner(deps, { certNo: who.certNo, certRef: who.audit.subjectRef }, logger)
        return slipExplanation(deps, owner, setlId, logger)
      })
      c.header('Cache-Control', 'no-store')
      return c.json(explanation, 200)
    })
  .post('/slips/pdf',
    doc({
      summary: '窗口查询：打印结算单（PDF）',
      tag: '窗口查询',
      audience: 'staff',
      ok: { 200: { media: 'application/pdf', description: '一站式结算单（PDF）' } },
      errors: { ...refusals, 404: ['PERSON_NOT_FOUND', 'NOT_FOUND'], 503: ['SLIP_PDF_UNAVAILABLE'] },
      upstream: true,
    }),
    staffGuard(),
    reads,
    validate('json', DeskSlipInputSchema),
    async (c) => {
      const { setlId, ...input } = c.req.valid('json')
      const deps = c.get('deps')
      const logger = c.get('logger')
      const pdf = await auditedDeskRead(c, input, 'desk.slip.pdf', `slip:${setlId}`, async (who) => {
        const owner = await slipOwner(deps, { certNo: who.certNo, certRef: who.audit.subjectRef }, logger)
        return slipPdf(deps, owner, setlId, { origin: pdfOrigin(c), logger })
      })
      return c.body(new Uint8Array(pdf), 200, slipPdfHeaders(setlId))
    })
  .post('/receipts',
    doc({
      summary: '窗口查询：参保人的电子缴费凭证（含窗口代缴）',
      tag: '窗口查询',
      audience: 'staff',
      ok: { 200: DeskReceiptListSchema },
      errors: refusals,
      upstream: true,
    }),
    staffGuard(),
    reads,
    validate('json', DeskReadInputSchema),
    async (c) => {
      const input = c.req.valid('json')
      const deps = c.get('deps')
      const list = await auditedDeskRead(c, input, 'desk.receipt.list', undefined, async (who) => {
        const rows = await receiptLinesOf(deps.storage.db, who.audit.subjectRef)
        const receipts = await Promise.all(rows.map(async ({ line, order }) => {
          const receipt = issuedReceipt(line, order)!
          const atDesk = order.principal.startsWith(DESK_PRINCIPAL_PREFIX)
          return { ...await receiptFacts(deps, receipt), orderId: order.id, lineId: line.id, atDesk }
        }))
        const body: DeskReceiptList = { receipts }
        return body
      })
      c.header('Cache-Control', 'no-store')
      return c.json(list, 200)
    })
  .post('/receipts/pdf',
    doc({
      summary: '窗口查询：补打电子缴费凭证（PDF）',
      description: '只能补打本人的凭证；已退费或重复缴费的凭证注明作废。',
      tag: '窗口查询',
      audience: 'staff',
      ok: { 200: { media: 'application/pdf', description: '电子缴费凭证（PDF）' } },
      errors: {
        ...refusals,
        404: ['PERSON_NOT_FOUND', 'NOT_FOUND'],
        409: ['RECEIPT_NOT_ISSUED'],
        503: ['RECEIPT_PDF_UNAVAILABLE'],
      },
      upstream: true,
    }),
    staffGuard(),
    reads,
    validate('json', DeskReceiptInputSchema),
    async (c) => {
      const { lineId, ...input } = c.req.valid('json')
      const deps = c.get('deps')
      const { pdf, file } = await auditedDeskRead(c, input, 'desk.receipt.pdf', `line:${lineId}`, async (who) => {
        const found = await findLine(deps.storage.db, lineId)
        // Somebody else's line is answered as no line at all.
        if (!found || found.line.personCertRef !== who.audit.subjectRef) throw new AppError('NOT_FOUND', 404)
        const receipt = issuedReceipt(found.line, found.order)
        if (!receipt) throw new AppError('RECEIPT_NOT_ISSUED', 409)
        const facts = await receiptFacts(deps, receipt)
        const job = { kind: 'receipt', receipt: facts, printedAt: deps.now(), origin: pdfOrigin(c) } as const
        const bytes = await deps.pdf.render(job, c.get('logger'))
        return { pdf: bytes, file: `${facts.year}-${facts.code}.pdf` }
      })
      return c.body(new Uint8Array(pdf), 200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="receipt-${file}"; filename*=UTF-8''${encodeURIComponent(`电子缴费凭证-${file}`)}`,
        'Cache-Control': 'no-store',
      })
    })
