import type { SandboxSettlement } from '../../seed/settlements'
import type { SandboxYearUsage } from '../../seed/usage'
import { fenToYuanString, shanghaiDate } from '@yibao/shared'
import { z } from 'zod'
import { personByPsnNo } from '../psn-lookup'
import { defineTransaction } from '../registry'

/**
 * 5206 人员累计信息查询 (nhsa-interface.md §2.3, "Cumulative codes from the 人员累计信息 query").
 * Input `{ data: { psn_no, cum_ym } }` (`cum_ym` = yyyyMM: amounts of that calendar year up to the end of
 * that month, never beyond today). The amounts are the sums of the person's settlements of that year
 * (the same slips 5203/5260 return, what the bureau actually paid), so cumulative figures and slips agree. Output `{ cuminfo: [{ insutype, year, cum_type_code, cum }] }`, one row
 * per code with a non-zero value, `[]` for a person without any settled stay that year:
 *
 * | cum_type_code | meaning | cum |
 * |---|---|---|
 * | `D390101` | 城乡居民基本医疗保险统筹基金累计支付 | yuan |
 * | `D390201` | 城乡居民大病保险累计支付 | yuan |
 * | `D610101` | 医疗救助累计支付 | yuan |
 * | `F0000_BIZ2101` | 普通住院累计总费用 | yuan |
 * | `Q390201` | 大病保险累计合规个人负担 (toward the threshold; local code, [U]) | yuan |
 * | `C0000_BIZ21` | 普通住院累计次数 | count |
 *
 * Wire quirks reproduced on purpose (the BFF must normalise them):
 * - Guizhou (52xxxx) sends `cum` as a 2-decimal string (`"1234.50"`) and `year` as a number.
 * - Shaanxi (61xxxx) spells the fields `cum_type` and `cum_amt`, and the year `cum_year`.
 */
export const CumulativeInfoInputSchema = z.object({
  data: z.object({
    psn_no: z.string({ error: '人员编号[psn_no]不能为空' }).trim().min(1, { error: '人员编号[psn_no]不能为空' }),
    cum_ym: z.string({ error: '累计年月[cum_ym]不能为空' }).regex(/^\d{4}(0[1-9]|1[0-2])$/, { error: '累计年月[cum_ym]格式错误，应为yyyyMM' }),
  }, { error: '交易输入缺少data节点' }),
})

/** One cumulative row in the national spelling (Shandong). */
export interface CumInfoRow {
  insutype: string
  year: string | number
  cum_type_code: string
  cum: number | string
}

/** One cumulative row in the Shaanxi spelling. */
export interface CumInfoRowShaanxi {
  insutype: string
  cum_year: string
  cum_type: string
  cum_amt: number
}

/** 5206 output. */
export interface CumulativeInfoOutput {
  cuminfo: (CumInfoRow | CumInfoRowShaanxi)[]
}

/** The code → amount pairs of a year's usage, in table order (counts are plain integers). */
export function cumulativeCodes(u: SandboxYearUsage): [code: string, value: number, kind: 'fen' | 'count'][] {
  return [
    ['D390101', u.basicPaidFen, 'fen'],
    ['D390201', u.criticalPaidFen, 'fen'],
    ['D610101', u.assistancePaidFen, 'fen'],
    ['F0000_BIZ2101', u.inpatientTotalFen, 'fen'],
    ['Q390201', u.criticalBurdenFen, 'fen'],
    ['C0000_BIZ21', u.stays, 'count'],
  ]
}

/** Sums the bureau's figures of the settlements of `year` settled up to `lastDay` (`YYYY-MM-DD`). */
export function cumulativeOf(settlements: readonly SandboxSettlement[], year: number, lastDay: string): SandboxYearUsage {
  const u: SandboxYearUsage = { year, basicPaidFen: 0, criticalPaidFen: 0, criticalBurdenFen: 0, assistancePaidFen: 0, inpatientTotalFen: 0, stays: 0 }
  for (const s of settlements) {
    const day = s.settledAt.slice(0, 10)
    if (Number(day.slice(0, 4)) !== year || day > lastDay) continue
    u.basicPaidFen += s.bureau.basic
    u.criticalPaidFen += s.bureau.critical
    // What counts toward the critical-illness threshold: the in-policy cost the basic fund left.
    u.criticalBurdenFen += Math.max(0, s.total - s.outOfList - s.bureau.basic)
    u.assistancePaidFen += s.bureau.assistance
    u.inpatientTotalFen += s.total
    u.stays += 1
  }
  return u
}

function lastDayOfMonth(ym: string): string {
  const y = Number(ym.slice(0, 4))
  const m = Number(ym.slice(4, 6))
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return `${ym.slice(0, 4)}-${ym.slice(4, 6)}-${String(last).padStart(2, '0')}`
}

/** 5206 人员累计信息查询. */
export const cumulativeInfo5206 = defineTransaction({
  infno: '5206',
  name: '人员累计信息查询',
  input: CumulativeInfoInputSchema,
  handle: ({ input, envelope, state, now }) => {
    const person = personByPsnNo(state, envelope, input.data.psn_no)
    const admdvs = envelope.insuplc_admdvs ?? ''
    const today = shanghaiDate(now)
    const monthEnd = lastDayOfMonth(input.data.cum_ym)
    const year = Number(input.data.cum_ym.slice(0, 4))
    const usage = cumulativeOf(state.settlements.listForPerson(person.psnNo), year, monthEnd < today ? monthEnd : today)
    const rows = cumulativeCodes(usage).filter(([, value]) => value !== 0)
    const cuminfo = rows.map(([code, value, kind]): CumInfoRow | CumInfoRowShaanxi => {
      if (admdvs.startsWith('61'))
        return { insutype: '390', cum_year: String(year), cum_type: code, cum_amt: kind === 'fen' ? value / 100 : value }
      if (admdvs.startsWith('52'))
        return { insutype: '390', year, cum_type_code: code, cum: kind === 'fen' ? fenToYuanString(value) : String(value) }
      return { insutype: '390', year: String(year), cum_type_code: code, cum: kind === 'fen' ? value / 100 : value }
    })
    return { cuminfo } satisfies CumulativeInfoOutput
  },
  // Amounts as "12,345.60" with a thousands separator, and the code missing.
  badShape: ({ cuminfo }) => ({ cuminfo: cuminfo.map(r => ({ insutype: r.insutype, cum: '12,345.60' })) }),
})
