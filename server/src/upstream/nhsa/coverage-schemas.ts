import { z } from 'zod'
import { YuanAmountWire } from './schemas'

/**
 * Wire formats of the coverage transactions of the national 医疗保障信息平台, in the bureau's own field
 * names: 5206 人员累计信息查询 and 5301 人员慢特病备案查询.
 * @see ../../../../../shared/reference/nhsa-interface.md §2.3–2.4 (outside the repo)
 */

const Code = z.union([z.string(), z.number()]).transform(String)
const NullableText = z.string().nullish().transform(v => (v == null || v.trim() === '' ? null : v.trim()))

/**
 * One 5206 `cuminfo` row. Provinces spell it differently (Shaanxi: `cum_type`/`cum_amt`/`cum_year`;
 * Guizhou: `cum` as a string and `year` as a number); the transform gives one shape. Money codes
 * (`D…`, `F…`, `Q…`) are yuan, parsed to fen exactly; count codes (`C…`) are whole numbers.
 */
export const CumInfoRowWire = z.object({
  insutype: Code.nullish(),
  /** 年度 (also `cum_year`). */
  year: Code.nullish(),
  cum_year: Code.nullish(),
  /** 累计类别代码, e.g. `D390101` 统筹 (also `cum_type`). */
  cum_type_code: z.string().nullish(),
  cum_type: z.string().nullish(),
  /** 累计值: yuan for money codes, a count for `C…` codes (also `cum_amt`). */
  cum: z.union([z.number(), z.string()]).nullish(),
  cum_amt: z.union([z.number(), z.string()]).nullish(),
}).transform((row, ctx) => {
  const code = row.cum_type_code ?? row.cum_type
  const raw = row.cum ?? row.cum_amt
  const year = Number(row.year ?? row.cum_year)
  if (!code || raw == null || !Number.isInteger(year)) {
    ctx.addIssue({ code: 'custom', message: 'cuminfo row lacks its code, value or year' })
    return z.NEVER
  }
  if (code.startsWith('C')) {
    const count = Number(raw)
    if (!Number.isSafeInteger(count) || count < 0) {
      ctx.addIssue({ code: 'custom', message: `not a count: ${String(raw)}` })
      return z.NEVER
    }
    return { insuranceType: row.insutype ?? '390', year, code, value: count, unit: 'count' as const }
  }
  const fen = YuanAmountWire.safeParse(raw)
  if (!fen.success) {
    ctx.addIssue({ code: 'custom', message: `not a 2-decimal yuan amount: ${String(raw)}` })
    return z.NEVER
  }
  return { insuranceType: row.insutype ?? '390', year, code, value: fen.data, unit: 'fen' as const }
})
export type CumInfoRow = z.infer<typeof CumInfoRowWire>

/** 5206 output: `cuminfo` (may be absent or null for a person without cumulative records). */
export const CumulativeInfoOutputWire = z.object({
  cuminfo: z.array(CumInfoRowWire).nullish().transform(v => v ?? []),
})
/** The wire shape before parsing, for mocks and fixtures. */
export type CumulativeInfoOutputInput = z.input<typeof CumulativeInfoOutputWire>

/** One 5301 `feedetail` row: a 门诊慢特病 filing. Dates come as `yyyy-MM-dd` or `yyyy-MM-dd HH:mm:ss`. */
export const ChronicFilingWire = z.object({
  /** 门慢门特病种目录代码. */
  opsp_dise_code: Code,
  /** 门慢门特病种名称. */
  opsp_dise_name: z.string(),
  /** 开始日期. */
  begndate: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  /** 结束日期; null or blank while open. */
  enddate: NullableText,
})

/** 5301 output. */
export const ChronicFilingOutputWire = z.object({
  feedetail: z.array(ChronicFilingWire).nullish().transform(v => v ?? []),
})
/** The wire shape before parsing, for mocks and fixtures. */
export type ChronicFilingOutputInput = z.input<typeof ChronicFilingOutputWire>
