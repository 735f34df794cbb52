import { z } from 'zod'
import { YuanAmountWire } from './schemas'

/**
 * Wire format of 5203 结算信息查询 and the 5260 结算记录查询 list (local extension), in the bureau's field
 * names, normalised here: every drifting pair of names becomes the national one, and amounts become
 * integer fen exactly (`YuanAmountWire`).
 *
 * Drift handled (nhsa-interface.md §2.3): `psn_cash_pay` / `cash_payamt`, `fulamt_ownpay_amt` / `ownpay_amt`,
 * `inscp_scp_amt` / `inscp_amt`, `psn_part_amt` / `psn_pay`, `oth_pay` / `othfund_pay`; amounts as numbers
 * or 2-decimal strings; the ratio `pool_prop_selfpay` as a number or a string.
 * @see ../../../../../shared/reference/nhsa-interface.md §2.3 (outside the repo)
 */

const Code = z.union([z.string(), z.number()]).transform(String)
const Amount = YuanAmountWire
const OptionalAmount = YuanAmountWire.nullish()
const Text = z.string().nullish().transform(v => (v == null || v.trim() === '' ? null : v.trim()))
const WholeNumber = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])

/** `yyyy-MM-dd HH:mm:ss` or `yyyy-MM-dd` (Shanghai) → ISO 8601 with +08:00. */
export const WireDateTime = z.string().transform((v, ctx) => {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(v.trim())
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'not a yyyy-MM-dd HH:mm:ss time' })
    return z.NEVER
  }
  return `${m[1]}T${m[2] ?? '00:00:00'}.000+08:00`
})
const OptionalDateTime = z.union([WireDateTime, z.literal(''), z.null()]).optional().transform(v => (v ? v : null))

/** 统筹基金支付比例 NUMBER(5,4): a number or a string, between 0 and 1. */
const Ratio = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v.trim())
  if (!Number.isFinite(n) || n < 0 || n > 1 || (typeof v === 'string' && v.trim() === '')) {
    ctx.addIssue({ code: 'custom', message: `not a ratio: ${String(v)}` })
    return z.NEVER
  }
  return n
})

/** Two names for one field: the national one wins; at least one must be present when `required`. */
function either(ctx: z.RefinementCtx, v: Record<string, unknown>, names: [string, string], required: boolean): number {
  const value = (v[names[0]] ?? v[names[1]]) as number | null | undefined
  if (value == null) {
    if (required) ctx.addIssue({ code: 'custom', path: [names[0]], message: `missing ${names.join(' / ')}` })
    return 0
  }
  return value
}

/** `setlinfo` of 5203 (same shape as 2207/2304 output), normalised. */
export const SetlInfoWire = z.object({
  setl_id: z.string().min(1),
  mdtrt_id: z.string().min(1),
  psn_no: z.string().min(1),
  psn_name: z.string(),
  /** Full ID number: never leaves the BFF unmasked. */
  certno: z.string(),
  gend: Code.nullish(),
  brdy: Text,
  insutype: Code.nullish(),
  psn_type: Code.nullish(),
  setl_time: WireDateTime,
  med_type: Code,
  medfee_sumamt: Amount,
  fulamt_ownpay_amt: OptionalAmount,
  ownpay_amt: OptionalAmount,
  overlmt_selfpay: OptionalAmount,
  preselfpay_amt: OptionalAmount,
  inscp_scp_amt: OptionalAmount,
  inscp_amt: OptionalAmount,
  act_pay_dedc: OptionalAmount,
  hifp_pay: Amount,
  pool_prop_selfpay: Ratio.nullish(),
  cvlserv_pay: OptionalAmount,
  hifes_pay: OptionalAmount,
  hifmi_pay: OptionalAmount,
  hifob_pay: OptionalAmount,
  maf_pay: OptionalAmount,
  oth_pay: OptionalAmount,
  othfund_pay: OptionalAmount,
  fund_pay_sumamt: Amount,
  psn_part_amt: OptionalAmount,
  psn_pay: OptionalAmount,
  acct_pay: OptionalAmount,
  psn_cash_pay: OptionalAmount,
  cash_payamt: OptionalAmount,
  hosp_part_amt: OptionalAmount,
  // Local additions (see the sandbox's settlement-wire.ts): 参保地, hospital, stay and diagnosis.
  insuplc_admdvs: Code.nullish(),
  fixmedins_code: Text,
  fixmedins_name: Text,
  hosp_lv: Code.nullish(),
  begntime: OptionalDateTime,
  endtime: OptionalDateTime,
  dise_codg: Text,
  dise_name: Text,
}).transform((v, ctx) => {
  const raw = v as unknown as Record<string, unknown>
  const account = v.acct_pay ?? 0
  const personalCash = either(ctx, raw, ['psn_cash_pay', 'cash_payamt'], true)
  const psnPart = v.psn_part_amt ?? v.psn_pay
  return {
    setlId: v.setl_id,
    mdtrtId: v.mdtrt_id,
    psnNo: v.psn_no,
    name: v.psn_name,
    certNo: v.certno.toUpperCase(),
    gend: v.gend ?? null,
    birthDate: v.brdy?.slice(0, 10) ?? null,
    settledAt: v.setl_time,
    medType: v.med_type,
    regionCode: v.insuplc_admdvs ?? null,
    hospitalCode: v.fixmedins_code,
    hospitalName: v.fixmedins_name,
    hospLv: v.hosp_lv ?? null,
    admittedAt: v.begntime,
    dischargedAt: v.endtime,
    diagnosisCode: v.dise_codg,
    diagnosisName: v.dise_name,
    basicRate: v.pool_prop_selfpay ?? null,
    amounts: {
      total: v.medfee_sumamt,
      outOfList: either(ctx, raw, ['fulamt_ownpay_amt', 'ownpay_amt'], false),
      overLimit: v.overlmt_selfpay ?? 0,
      preSelfPay: v.preselfpay_amt ?? 0,
      inPolicy: either(ctx, raw, ['inscp_scp_amt', 'inscp_amt'], true),
      deductible: v.act_pay_dedc ?? 0,
      basic: v.hifp_pay,
      critical: v.hifmi_pay ?? 0,
      assistance: v.maf_pay ?? 0,
      // Employee-side funds never apply to residents; if a bureau sends them they count as "other".
      other: either(ctx, raw, ['oth_pay', 'othfund_pay'], false) + (v.cvlserv_pay ?? 0) + (v.hifes_pay ?? 0) + (v.hifob_pay ?? 0),
      fundTotal: v.fund_pay_sumamt,
      hospital: v.hosp_part_amt ?? 0,
      personalBurden: psnPart ?? personalCash + account,
      account,
      personalCash,
    },
  }
})
/** Normalised `setlinfo`. */
export type SetlInfo = z.output<typeof SetlInfoWire>

/** `setldetail[]` line. */
export const SetlDetailWire = z.object({
  fund_pay_type: Code,
  fund_payamt: Amount,
  fund_pay_type_name: z.string().nullish(),
  inscp_scp_amt: OptionalAmount,
  crt_payb_lmt_amt: OptionalAmount,
  setl_proc_info: z.string().nullish(),
}).transform(v => ({ code: v.fund_pay_type, amount: v.fund_payamt }))

/** 5203 output. */
export const SettlementInfoOutputWire = z.object({
  setlinfo: SetlInfoWire,
  setldetail: z.array(SetlDetailWire).nullish().transform(v => v ?? []),
})
/** The wire shape before parsing (what the bureau sends), for mocks and fixtures. */
export type SettlementInfoOutputInput = z.input<typeof SettlementInfoOutputWire>

/** One row of the 5260 list. */
export const SettlementRowWire = z.object({
  setl_id: z.string().min(1),
  mdtrt_id: z.string().min(1),
  setl_time: WireDateTime,
  med_type: Code,
  fixmedins_name: Text,
  begntime: OptionalDateTime,
  endtime: OptionalDateTime,
  medfee_sumamt: Amount,
  fund_pay_sumamt: OptionalAmount,
  psn_cash_pay: OptionalAmount,
  cash_payamt: OptionalAmount,
}).transform((v, ctx) => ({
  setlId: v.setl_id,
  mdtrtId: v.mdtrt_id,
  settledAt: v.setl_time,
  admittedAt: v.begntime,
  dischargedAt: v.endtime,
  hospitalName: v.fixmedins_name ?? '',
  medType: v.med_type,
  total: v.medfee_sumamt,
  fundPay: v.fund_pay_sumamt ?? 0,
  personalCash: either(ctx, v as unknown as Record<string, unknown>, ['psn_cash_pay', 'cash_payamt'], true),
}))

/** 5260 output: one page of a person's settlements. */
export const SettlementListOutputWire = z.object({
  page_num: WholeNumber,
  page_size: WholeNumber,
  record_counts: WholeNumber,
  pages: WholeNumber.nullish(),
  data: z.array(SettlementRowWire).nullish().transform(v => v ?? []),
})
/** The wire shape before parsing, for mocks and fixtures. */
export type SettlementListOutputInput = z.input<typeof SettlementListOutputWire>
