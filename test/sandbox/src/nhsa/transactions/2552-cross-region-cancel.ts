import { shanghaiDate, toShanghaiIso } from '@yibao/shared'
import { z } from 'zod'
import { cancelLockedUntil } from '../cross-region'
import { personByPsnNo } from '../psn-lookup'
import { defineTransaction, NhsaFailure } from '../registry'

/**
 * 2552 撤销异地就医备案 — a local extension (地方扩展交易) pairing 2551 (the national platform has no
 * 异地就医备案 transaction for 定点机构); shaped like 2502/2506: `{ data: { trt_dcla_detl_sn, psn_no, memo } }`
 * with the reason in `memo` (required), output `{}`.
 *
 * Cancelling sets vali_flag '0', replaces the filing's memo by the reason and records the time (5302
 * `updt_time`). Cancelling a cancelled filing succeeds again and changes nothing. Refused: a filing the
 * person does not hold (未查询到该异地就医备案信息), and a long-term filing (02/03/04) made on a personal
 * promise (prom_flag '1') before 6 months from its begndate have passed (Shanghai calendar).
 */
const required = (label: string, max: number) =>
  z.string({ error: `${label}不能为空` }).trim().min(1, { error: `${label}不能为空` }).max(max, { error: `${label}超长（最多${max}位）` })

export const CrossRegionCancelInputSchema = z.object({
  data: z.object({
    trt_dcla_detl_sn: required('待遇申报明细流水号[trt_dcla_detl_sn]', 30),
    psn_no: required('人员编号[psn_no]', 30),
    memo: required('撤销原因[memo]', 500),
  }, { error: '交易输入缺少data节点' }),
})

/** 2552 撤销异地就医备案. */
export const crossRegionCancel2552 = defineTransaction({
  infno: '2552',
  name: '撤销异地就医备案',
  input: CrossRegionCancelInputSchema,
  handle: ({ input: { data }, envelope, state, now }): Record<string, never> => {
    const person = personByPsnNo(state, envelope, data.psn_no)
    const filing = person.crossRegionFilings.find(f => f.sn === data.trt_dcla_detl_sn)
    if (!filing) throw new NhsaFailure('未查询到该异地就医备案信息')
    if (!filing.valid) return {}
    const lockedUntil = cancelLockedUntil(filing)
    if (lockedUntil !== null && shanghaiDate(now) < lockedUntil) throw new NhsaFailure('以个人承诺方式办理的长期居住备案，自开始之日起6个月内不能变更或撤销')
    filing.valid = false
    filing.memo = data.memo
    filing.cancelledAt = toShanghaiIso(now)
    return {}
  },
})
