import { shanghaiDate } from '@yibao/shared'
import { z } from 'zod'
import { chronicFilingsOf, OPSP_DISEASES } from '../../seed/chronic'
import { personByPsnNo } from '../psn-lookup'
import { defineTransaction } from '../registry'

/**
 * 5301 人员慢特病备案查询 (nhsa-interface.md §2.4). Input `{ data: { psn_no } }`; output
 * `{ feedetail: [{ opsp_dise_code, opsp_dise_name, begndate, enddate }] }` with every filing that has
 * begun (ended ones included, so the history shows), `[]` when there is none. Disease codes are the
 * sandbox's (see `OPSP_DISEASES` in seed/chronic.ts).
 *
 * Wire quirks: `enddate` is `null` for an open filing; Guizhou (52xxxx) sends both dates as
 * `yyyy-MM-dd HH:mm:ss`, elsewhere `yyyy-MM-dd`.
 */
export const ChronicFilingInputSchema = z.object({
  data: z.object({
    psn_no: z.string({ error: '人员编号[psn_no]不能为空' }).trim().min(1, { error: '人员编号[psn_no]不能为空' }),
  }, { error: '交易输入缺少data节点' }),
})

/** One 5301 row. */
export interface ChronicFilingRow {
  opsp_dise_code: string
  opsp_dise_name: string
  begndate: string
  enddate: string | null
}

/** 5301 output. */
export interface ChronicFilingOutput {
  feedetail: ChronicFilingRow[]
}

/** 5301 人员慢特病备案查询. */
export const chronicFilings5301 = defineTransaction({
  infno: '5301',
  name: '人员慢特病备案查询',
  input: ChronicFilingInputSchema,
  handle: ({ input, envelope, state, now }): ChronicFilingOutput => {
    const person = personByPsnNo(state, envelope, input.data.psn_no)
    const long = (envelope.insuplc_admdvs ?? '').startsWith('52')
    const today = shanghaiDate(now)
    const feedetail = chronicFilingsOf(person)
      .filter(f => f.begin <= today)
      .map(f => ({
        opsp_dise_code: f.code,
        opsp_dise_name: OPSP_DISEASES[f.code].name,
        begndate: long ? `${f.begin} 00:00:00` : f.begin,
        enddate: f.end === null ? null : long ? `${f.end} 23:59:59` : f.end,
      }))
    return { feedetail }
  },
  // The list as an object and the code as a number.
  badShape: ({ feedetail }) => ({ feedetail: feedetail[0] ? { ...feedetail[0], opsp_dise_code: 3900 } : {} }),
})
