import { z } from 'zod'
import { parseWireDateTime } from '../../lib/wire-time'
import { personByPsnNo } from '../psn-lookup'
import { defineTransaction, NhsaFailure } from '../registry'
import { setlDetail, setlInfo } from '../settlement-wire'

/**
 * 5203 结算信息查询 (nhsa-interface.md §2.3). Input `{ data: { psn_no, setl_id, mdtrt_id? } }`
 * (Post_5203: psn_no and setl_id required). Output `{ setlinfo, setldetail[] }` in the shape of 2207/2304
 * with the per-region field-name drift and the local additions described in settlement-wire.ts.
 *
 * A setl_id of somebody else, or one settled after the sandbox's "now", is answered like an unknown
 * one: `未查询到结算信息` (the platform never confirms that another person's settlement exists).
 */
export const SettlementInfoInputSchema = z.object({
  data: z.object({
    psn_no: z.string({ error: '人员编号[psn_no]不能为空' }).trim().min(1, { error: '人员编号[psn_no]不能为空' }),
    setl_id: z.string({ error: '结算ID[setl_id]不能为空' }).trim().min(1, { error: '结算ID[setl_id]不能为空' }),
    mdtrt_id: z.preprocess(v => (v === '' || v === null ? undefined : v), z.string().trim().optional()),
  }, { error: '交易输入缺少data节点' }),
})

/** 5203 结算信息查询. */
export const settlementInfo5203 = defineTransaction({
  infno: '5203',
  name: '结算信息查询',
  input: SettlementInfoInputSchema,
  handle: ({ input, envelope, state, now }) => {
    const person = personByPsnNo(state, envelope, input.data.psn_no)
    const s = state.settlements.findById(input.data.setl_id)
    if (!s || s.psnNo !== person.psnNo || parseWireDateTime(s.settledAt)!.getTime() > now.getTime())
      throw new NhsaFailure('未查询到结算信息')
    if (input.data.mdtrt_id !== undefined && input.data.mdtrt_id !== s.mdtrtId)
      throw new NhsaFailure('就诊ID[mdtrt_id]与结算ID[setl_id]不匹配')
    return { setlinfo: setlInfo(s, person), setldetail: setlDetail(s) }
  },
  // No setl_id, the total in words, setldetail as an object.
  badShape: ({ setlinfo, setldetail }) => {
    const { setl_id: _setlId, ...rest } = setlinfo
    return { setlinfo: { ...rest, medfee_sumamt: '壹万贰仟元' }, setldetail: setldetail[0] ?? {} }
  },
})
