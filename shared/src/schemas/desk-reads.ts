import { z } from 'zod'
import { IdCardNoSchema } from './common'
import { CoverageDataSchema, CoverageViewSchema } from './coverage'
import { DeskSubjectSchema, NO_DESK_TARGET } from './desk'
import { ReceiptCheckSchema } from './payment'
import { SlipListQuerySchema } from './slip'
import { CleanTextSchema } from './text'

/**
 * 窗口查询: what a clerk reads for the resident at the counter, read-only — their coverage and 待遇, their
 * settlement slips with the explanation (and the slip printed), and their payment receipts reprinted. The
 * person is the sealed handle of a scan or a typed ID number, always in a POST body, never in an address.
 */

const target = { certNo: IdCardNoSchema.optional(), subject: DeskSubjectSchema.optional() }
const oneTarget = (v: { certNo?: string, subject?: string }) => (v.certNo === undefined) !== (v.subject === undefined)

const SetlIdSchema = CleanTextSchema('结算编号不正确').trim().min(1, '结算编号不正确').max(40, '结算编号不正确')
  .regex(/^[\w-]+$/, '结算编号不正确')

/** The person's coverage (or receipts): the handle or the ID number. */
export const DeskReadInputSchema = z.object(target).refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskReadInput = z.infer<typeof DeskReadInputSchema>

/** A year's page of the person's slips (no year: the newest year with slips). */
export const DeskSlipListInputSchema = z.object({
  ...target,
  year: SlipListQuerySchema.shape.year,
  page: SlipListQuerySchema.shape.page,
  pageSize: SlipListQuerySchema.shape.pageSize,
}).refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskSlipListInput = z.input<typeof DeskSlipListInputSchema>

/** One slip of the person (view, explanation, PDF). */
export const DeskSlipInputSchema = z.object({ ...target, setlId: SetlIdSchema })
  .refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskSlipInput = z.infer<typeof DeskSlipInputSchema>

/** One receipt of the person to reprint: the order line it is for. */
export const DeskReceiptInputSchema = z.object({
  ...target,
  lineId: CleanTextSchema('请选择要补打的缴费凭证').trim().min(1, '请选择要补打的缴费凭证').max(64, '请选择要补打的缴费凭证')
    .regex(/^[\w-]+$/, '请选择要补打的缴费凭证'),
}).refine(oneTarget, { error: NO_DESK_TARGET, path: ['certNo'] })
export type DeskReceiptInput = z.infer<typeof DeskReceiptInputSchema>

/** The person's coverage as their own page shows it, and how fresh. */
export const DeskCoverageViewSchema = CoverageDataSchema.extend({
  stale: CoverageViewSchema.shape.stale,
  asOf: CoverageViewSchema.shape.asOf,
})
export type DeskCoverageView = z.infer<typeof DeskCoverageViewSchema>

/** One electronic receipt of the person (masked), with the order line to reprint it by. */
export const DeskReceiptSchema = ReceiptCheckSchema.extend({
  orderId: z.string(),
  lineId: z.string(),
  atDesk: z.boolean().meta({ description: 'true：在窗口代缴' }),
})
export type DeskReceipt = z.infer<typeof DeskReceiptSchema>

export const DeskReceiptListSchema = z.object({
  receipts: z.array(DeskReceiptSchema).meta({ description: '本人的电子缴费凭证，缴费时间从新到旧' }),
})
export type DeskReceiptList = z.infer<typeof DeskReceiptListSchema>
