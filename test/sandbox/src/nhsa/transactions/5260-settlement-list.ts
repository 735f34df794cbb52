import { z } from 'zod'
import { parseWireDateTime } from '../../lib/wire-time'
import { personByPsnNo } from '../psn-lookup'
import { defineTransaction } from '../registry'
import { settlementRow } from '../settlement-wire'

/**
 * 5260 结算记录查询 — a **local extension** (地方扩展交易, like 1160): the national catalogue has no
 * "list a person's settlements" transaction (5201 lists visits, 5202 is 诊断信息查询, 5203 needs a
 * setl_id), so provinces that run resident self-service expose one through their gateway.
 *
 * Input `{ data: { psn_no, begndate?, enddate?, page_num?, page_size? } }`: settlement dates
 * (`setl_time`'s day, yyyy-MM-dd) inclusive; `page_num` from 1, `page_size` 1–100 (default 20).
 * Output `{ page_num, page_size, record_counts, pages, data: [row…] }`, newest first; settlements after
 * the sandbox's "now" do not exist yet. Rows carry `setl_id`, `mdtrt_id`, `setl_time`, `med_type`,
 * `fixmedins_code`/`fixmedins_name`/`hosp_lv`, `begntime`/`endtime`, `medfee_sumamt`, `fund_pay_sumamt`
 * and the person's cash payment with the same per-region drift as 5203 (see settlement-wire.ts).
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/
const blank = (v: unknown): unknown => (v === '' || v === null ? undefined : v)
const pageNumber = (label: string, max: number) => z.preprocess(
  v => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : blank(v)),
  z.number({ error: `${label}必须是整数` }).int({ error: `${label}必须是整数` }).min(1, { error: `${label}不能小于1` }).max(max, { error: `${label}不能大于${max}` }).optional(),
)

export const SettlementListInputSchema = z.object({
  data: z.object({
    psn_no: z.string({ error: '人员编号[psn_no]不能为空' }).trim().min(1, { error: '人员编号[psn_no]不能为空' }),
    begndate: z.preprocess(blank, z.string().regex(DATE, { error: '开始日期[begndate]格式错误，应为yyyy-MM-dd' }).optional()),
    enddate: z.preprocess(blank, z.string().regex(DATE, { error: '结束日期[enddate]格式错误，应为yyyy-MM-dd' }).optional()),
    page_num: pageNumber('页码[page_num]', 100_000),
    page_size: pageNumber('每页条数[page_size]', 100),
  }, { error: '交易输入缺少data节点' }),
})

/** 5260 结算记录查询 (local extension). */
export const settlementList5260 = defineTransaction({
  infno: '5260',
  name: '结算记录查询',
  input: SettlementListInputSchema,
  handle: ({ input, envelope, state, now }) => {
    const { psn_no: psnNo, begndate, enddate } = input.data
    const person = personByPsnNo(state, envelope, psnNo)
    const pageNum = input.data.page_num ?? 1
    const pageSize = input.data.page_size ?? 20
    const rows = state.settlements.listForPerson(person.psnNo).filter((s) => {
      const day = s.settledAt.slice(0, 10)
      return parseWireDateTime(s.settledAt)!.getTime() <= now.getTime()
        && (begndate === undefined || day >= begndate)
        && (enddate === undefined || day <= enddate)
    })
    return {
      page_num: pageNum,
      page_size: pageSize,
      record_counts: rows.length,
      pages: Math.ceil(rows.length / pageSize),
      data: rows.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(settlementRow),
    }
  },
  // `data` as one object instead of a list, counts as text.
  badShape: out => ({ ...out, record_counts: `${out.record_counts}条`, data: out.data[0] ?? {} }),
})
