import type { SandboxCrossRegionFiling } from '../../seed/model'
import type { SandboxState } from '../../state'
import type { OutAppyResult } from '../cross-region'
import { isValidIdCard, shanghaiDate, toShanghaiIso } from '@yibao/shared'
import { z } from 'zod'
import { compactTime } from '../../lib/wire-time'
import {
  addDays,
  addMonths,
  AHEAD_DAYS,
  isInForce,
  isLongTerm,
  isRealDate,
  outAppyResult,
  TEMPORARY_MAX_MONTHS,
} from '../cross-region'
import { INSUTYPES, RESD_CERT_TYPE } from '../dictionaries'
import { personByPsnNo } from '../psn-lookup'
import { defineTransaction, NhsaFailure } from '../registry'

/**
 * 2551 异地就医备案 — a local extension (地方扩展交易): the national platform offers 定点机构 no
 * transaction for 异地就医备案 (a 公共服务/经办 function, nhsa-interface.md §2.4), so the sandbox defines
 * one in the 2501/2505 style with the columns of the bureau's `out_appy_d` table.
 *
 * Input `{ outappy: { psn_no, insutype, rloc_rea, rloc_admdvs, begndate, enddate, tel, resout_addr?,
 * trafout_fixmedins_name?, prom_flag?, resd_cert_type?, resd_certno?, att_cnt?, dcla_souc, agnter_name?,
 * agnter_certno?, agnter_rlts?, memo? } }`;
 * output `{ result: { trt_dcla_detl_sn, begndate, enddate, vali_flag: '1' } }`.
 * - insutype `390` or `310`, and the person must hold it, not ended, in the request's 参保地 (insuplc_admdvs).
 * - rloc_rea (`RLOC_REA`, sandbox codes): 02 异地安置退休人员, 03 常驻异地工作人员, 04 异地长期居住人员 are
 *   长期 (`enddate` must be null = 长期有效); 06 异地转诊就医人员, 08 其他临时外出就医人员 are 临时 (`enddate`
 *   required, after `begndate`, at most 12 months after it). 06 needs `trafout_fixmedins_name` (转出医院);
 *   04 needs `resout_addr` and exactly one of: a residence proof (居住证明: `resd_cert_type` from `RESD_CERT_TYPE`
 *   and `resd_certno`, 4–30 of `[0-9A-Za-z-]`; sandbox fields) or `prom_flag` '1' (个人承诺 in its place). Only a
 *   filing on a promise is locked for 6 months (2552).
 * - rloc_admdvs 就医地: 6 digits of a mainland province, not in the 参保地's 统筹区 (same first 4 digits; a
 *   province-level code of the 参保地's own province counts as inside it).
 * - begndate (Shanghai calendar): any day up to 180 days after today — 补办 has no day count (医保发〔2022〕22号:
 *   until 出院结算) — but a temporary filing must not have ended before today.
 * - tel: 11 digits. dcla_souc (`DCLA_SOUC`): 01 经办窗口, 02 移动端, 03 网上服务大厅.
 * - 代办人: agnter_name and agnter_certno together (a valid 居民身份证号, not the person's own);
 *   agnter_rlts optional, at most 20 characters: 1160's codes (10 配偶, 20 子女, 40 孙子女, 50 父母,
 *   60 祖父母/外祖父母, 70 兄弟姐妹, 99 其他) are what the sandbox seeds, but (the national dictionary being
 *   unknown) any short text such as '家属' is accepted and kept as sent.
 * - One filing in force at a time (vali_flag '1' and not past its end).
 * - Idempotent on a `memo` starting with `req:`: a repeat for the same person answers the filing made
 *   with that memo (as it stands now) and changes nothing, whatever else the repeat says.
 * `trt_dcla_detl_sn` = province (2) + filing day yyyyMMdd + 8-digit serial, unique in the sandbox.
 */
const required = (label: string, max: number) =>
  z.string({ error: `${label}不能为空` }).trim().min(1, { error: `${label}不能为空` }).max(max, { error: `${label}超长（最多${max}位）` })

/** Optional text: absent, null and '' all become null. */
const optional = (label: string, max: number) =>
  z.string({ error: `${label}格式错误` }).trim().max(max, { error: `${label}超长（最多${max}位）` }).nullish().transform(v => (v ? v : null))

const blankToNull = (v: unknown) => (v === '' || v === undefined ? null : v)

export const CrossRegionFilingInputSchema = z.object({
  outappy: z.object({
    psn_no: required('人员编号[psn_no]', 30),
    insutype: z.enum(['390', '310'], { error: '险种类型[insutype]应为390（城乡居民基本医疗保险）或310（职工基本医疗保险）' }),
    rloc_rea: z.enum(['02', '03', '04', '06', '08'], { error: '备案类型[rloc_rea]应为02、03、04、06或08' }),
    rloc_admdvs: z.string({ error: '就医地[rloc_admdvs]不能为空' }).regex(/^\d{6}$/, { error: '就医地[rloc_admdvs]格式错误，应为6位行政区划代码' }),
    begndate: z.string({ error: '开始日期[begndate]不能为空' }).refine(isRealDate, { error: '开始日期[begndate]格式错误，应为yyyy-MM-dd' }),
    enddate: z.preprocess(blankToNull, z.string({ error: '结束日期[enddate]格式错误，应为yyyy-MM-dd' }).refine(isRealDate, { error: '结束日期[enddate]格式错误，应为yyyy-MM-dd' }).nullable()),
    tel: z.string({ error: '联系电话[tel]不能为空' }).regex(/^\d{11}$/, { error: '联系电话[tel]格式错误，应为11位手机号码' }),
    resout_addr: optional('居住地址[resout_addr]', 200),
    trafout_fixmedins_name: optional('转出医院名称[trafout_fixmedins_name]', 200),
    prom_flag: z.preprocess(blankToNull, z.enum(['0', '1'], { error: '个人承诺标志[prom_flag]应为0或1' }).nullable()),
    resd_cert_type: z.preprocess(blankToNull, z.enum(Object.keys(RESD_CERT_TYPE) as ['01', '02', '03', '04'], {
      error: '居住证明类型[resd_cert_type]应为01、02、03或04',
    }).nullable()),
    resd_certno: z.preprocess(blankToNull, z.string({ error: '居住证明编号[resd_certno]格式错误' })
      .regex(/^[\dA-Za-z-]{4,30}$/, { error: '居住证明编号[resd_certno]应为4–30位字母、数字或“-”' })
      .nullable()),
    att_cnt: z.preprocess(blankToNull, z.number({ error: '附件数量[att_cnt]应为数字' }).int().min(0).max(20).nullable()),
    dcla_souc: z.enum(['01', '02', '03'], { error: '申报来源[dcla_souc]应为01（经办窗口）、02（移动端）或03（网上服务大厅）' }),
    agnter_name: optional('代办人姓名[agnter_name]', 50),
    agnter_certno: optional('代办人证件号码[agnter_certno]', 18),
    agnter_rlts: optional('代办人关系[agnter_rlts]', 20),
    memo: optional('备注[memo]', 500),
  }, { error: '交易输入缺少outappy节点' }),
})

/** 2551 input after validation. */
export type CrossRegionFilingInput = z.infer<typeof CrossRegionFilingInputSchema>['outappy']

/** 2551 output. */
export interface CrossRegionFilingOutput {
  result: OutAppyResult
}

/** Mainland provinces (the first two digits of a division code). */
const PROVINCES = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'])

/** Throws the first business rule the filing breaks (see the module comment). */
function checkRules(input: CrossRegionFilingInput, insuplc: string, certNo: string, today: string): void {
  const { rloc_admdvs: rloc, begndate, enddate } = input
  if (!PROVINCES.has(rloc.slice(0, 2))) throw new NhsaFailure('就医地[rloc_admdvs]不是有效的行政区划代码')
  const wholeOwnProvince = rloc.endsWith('0000') && rloc.slice(0, 2) === insuplc.slice(0, 2)
  if (rloc.slice(0, 4) === insuplc.slice(0, 4) || wholeOwnProvince) throw new NhsaFailure('就医地不能为参保地所在统筹区')

  if (begndate > addDays(today, AHEAD_DAYS)) throw new NhsaFailure(`开始日期[begndate]不能晚于${addDays(today, AHEAD_DAYS)}（最多提前${AHEAD_DAYS}天办理）`)
  if (isLongTerm(input.rloc_rea)) {
    if (enddate !== null) throw new NhsaFailure('长期备案（备案类型02、03、04）长期有效，结束日期[enddate]应为空')
  }
  else {
    if (enddate === null) throw new NhsaFailure('临时外出就医备案（备案类型06、08）结束日期[enddate]不能为空')
    if (enddate <= begndate) throw new NhsaFailure('结束日期[enddate]应晚于开始日期[begndate]')
    if (enddate > addMonths(begndate, TEMPORARY_MAX_MONTHS)) throw new NhsaFailure(`临时外出就医备案有效期不能超过${TEMPORARY_MAX_MONTHS}个月`)
    if (enddate < today) throw new NhsaFailure(`结束日期[enddate]早于今天（${today}），补办的临时备案须在有效期内`)
  }

  if (input.rloc_rea === '06' && !input.trafout_fixmedins_name) throw new NhsaFailure('异地转诊就医人员备案须填写转出医院名称[trafout_fixmedins_name]')
  if (input.rloc_rea === '04') {
    if (!input.resout_addr) throw new NhsaFailure('异地长期居住人员备案须填写居住地址[resout_addr]')
    const proof = input.resd_cert_type !== null || input.resd_certno !== null
    if (proof && (!input.resd_cert_type || !input.resd_certno))
      throw new NhsaFailure('居住证明类型[resd_cert_type]与居住证明编号[resd_certno]须同时填写')
    if (proof && input.prom_flag === '1') throw new NhsaFailure('居住证明与个人承诺只能选择一种方式办理')
    if (!proof && input.prom_flag !== '1')
      throw new NhsaFailure('异地长期居住人员备案须提供居住证明（resd_cert_type、resd_certno）或个人承诺（prom_flag为1）')
  }
  else if (input.resd_cert_type || input.resd_certno) {
    throw new NhsaFailure('居住证明[resd_cert_type、resd_certno]仅用于异地长期居住人员备案（备案类型04）')
  }

  const { agnter_name: agentName, agnter_certno: agentCertNo, agnter_rlts: agentRlts } = input
  if (agentName || agentCertNo || agentRlts) {
    if (!agentName || !agentCertNo) throw new NhsaFailure('代办人姓名[agnter_name]与代办人证件号码[agnter_certno]须同时填写')
    if (!isValidIdCard(agentCertNo)) throw new NhsaFailure('代办人证件号码[agnter_certno]不是有效的居民身份证号码')
    if (agentCertNo.toUpperCase() === certNo) throw new NhsaFailure('代办人不能为备案人本人')
  }
}

/** A new trt_dcla_detl_sn: province + day + serial, skipping any already held by a filing. */
function nextSn(state: SandboxState, insuplc: string, now: Date): string {
  const taken = new Set(state.residents.dataset.persons.flatMap(p => p.crossRegionFilings.map(f => f.sn)))
  const prefix = `${insuplc.slice(0, 2)}${compactTime(now).slice(0, 8)}`
  for (let serial = taken.size + 1; ; serial++) {
    const sn = `${prefix}${String(serial % 100_000_000).padStart(8, '0')}`
    if (!taken.has(sn)) return sn
  }
}

/** 2551 异地就医备案. */
export const crossRegionFiling2551 = defineTransaction({
  infno: '2551',
  name: '异地就医备案',
  input: CrossRegionFilingInputSchema,
  handle: ({ input: { outappy: input }, envelope, state, now }): CrossRegionFilingOutput => {
    const person = personByPsnNo(state, envelope, input.psn_no)
    const requestKey = input.memo?.startsWith('req:') ? input.memo : null
    const earlier = requestKey === null ? undefined : person.crossRegionFilings.find(f => f.requestKey === requestKey)
    if (earlier) return { result: outAppyResult(earlier) }

    const insuplc = envelope.insuplc_admdvs ?? ''
    const today = shanghaiDate(now)
    if (!person.insurance.some(r => r.insutype === input.insutype && r.admdvs === insuplc && (r.endDate === null || r.endDate > today))) {
      throw new NhsaFailure(`该人员在参保地无有效的${INSUTYPES[input.insutype]}参保信息`)
    }
    checkRules(input, insuplc, person.certNo, today)
    if (person.crossRegionFilings.some(f => isInForce(f, today))) throw new NhsaFailure('该人员已有有效的异地就医备案，请先变更或撤销')

    const filing: SandboxCrossRegionFiling = {
      sn: nextSn(state, insuplc, now),
      insuAdmdvs: insuplc,
      insutype: input.insutype,
      rlocRea: input.rloc_rea,
      rlocAdmdvs: input.rloc_admdvs,
      begin: input.begndate,
      end: input.enddate,
      tel: input.tel,
      resoutAddr: input.resout_addr,
      trafoutFixmedinsName: input.trafout_fixmedins_name,
      promFlag: input.prom_flag,
      resdCertType: input.resd_cert_type,
      resdCertno: input.resd_certno?.toUpperCase() ?? null,
      valid: true,
      memo: input.memo,
      requestKey,
      dclaSouc: input.dcla_souc,
      agnterName: input.agnter_name,
      agnterCertno: input.agnter_certno?.toUpperCase() ?? null,
      agnterRlts: input.agnter_rlts,
      createdAt: toShanghaiIso(now),
      cancelledAt: null,
    }
    person.crossRegionFilings.push(filing)
    return { result: outAppyResult(filing) }
  },
  // The 18-digit serial as a number (it no longer fits a double) and no vali_flag.
  badShape: ({ result }) => ({ result: { trt_dcla_detl_sn: Number(result.trt_dcla_detl_sn), begndate: result.begndate } }),
})
