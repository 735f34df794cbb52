import type { OutAppyRow } from '../cross-region'
import { z } from 'zod'
import { outAppyRow } from '../cross-region'
import { personByPsnNo } from '../psn-lookup'
import { defineTransaction } from '../registry'

/**
 * 5302 人员异地就医备案查询 — a local extension (地方扩展交易) pairing 2551/2552 (the national platform
 * has no 异地就医备案 query for 定点机构), shaped like 5301: input `{ data: { psn_no } }`, output
 * `{ outappyinfo: [{ trt_dcla_detl_sn, insutype, rloc_rea, rloc_admdvs, begndate, enddate, tel, resout_addr,
 * trafout_fixmedins_name, prom_flag, vali_flag, memo, dcla_souc, agnter_name, crte_time, updt_time }] }`.
 *
 * Every filing of the person, newest (crte_time) first, cancelled ones included (vali_flag '0', memo =
 * the cancellation reason, updt_time = when). `enddate` null = 长期有效; a filing past its enddate keeps
 * vali_flag '1' (the client derives 已过期). `[]` when there is none. Codes: see `RLOC_REA`, `DCLA_SOUC`.
 */
export const CrossRegionListInputSchema = z.object({
  data: z.object({
    psn_no: z.string({ error: '人员编号[psn_no]不能为空' }).trim().min(1, { error: '人员编号[psn_no]不能为空' }),
  }, { error: '交易输入缺少data节点' }),
})

/** 5302 output. */
export interface CrossRegionListOutput {
  outappyinfo: OutAppyRow[]
}

/** 5302 人员异地就医备案查询. */
export const crossRegionList5302 = defineTransaction({
  infno: '5302',
  name: '人员异地就医备案查询',
  input: CrossRegionListInputSchema,
  handle: ({ input, envelope, state }): CrossRegionListOutput => {
    const person = personByPsnNo(state, envelope, input.data.psn_no)
    const newestFirst = [...person.crossRegionFilings].sort((a, b) =>
      Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.sn.localeCompare(a.sn))
    return { outappyinfo: newestFirst.map(outAppyRow) }
  },
  // The list as an object and vali_flag as a number.
  badShape: ({ outappyinfo }) => ({ outappyinfo: outappyinfo[0] ? { ...outappyinfo[0], vali_flag: Number(outappyinfo[0].vali_flag) } : {} }),
})
