import { yuanToFen } from '@yibao/shared'
import { z } from 'zod'

/**
 * Wire format of the national 医疗保障信息平台 (field names as the bureau spells them).
 * @see ../../../../../shared/reference/nhsa-interface.md §2.1–2.2 (outside the repo)
 */

/** Amount in yuan with 2 decimals; some versions send it as a string ("0.00"). Parsed to integer fen. */
export const YuanAmountWire = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const fen = yuanToFen(value)
  if (fen === null) {
    ctx.addIssue({ code: 'custom', message: `not a 2-decimal yuan amount: ${String(value)}` })
    return z.NEVER
  }
  return fen
})

const NullableText = z.string().nullish().transform(v => (v === '' || v == null ? null : v))
const Code = z.union([z.string(), z.number()]).transform(String)

/** Reply envelope common to every transaction. `infcode` 0 = success. */
export const NhsaEnvelopeWire = z.object({
  infcode: z.union([z.number(), z.string()]).transform(Number),
  inf_refmsgid: z.string().nullish(),
  refmsg_time: z.string().nullish(),
  respond_time: z.string().nullish(),
  err_msg: z.string().nullish(),
  output: z.unknown(),
})
export type NhsaEnvelope = z.infer<typeof NhsaEnvelopeWire>

/** 1101 人员信息获取: 表6 baseinfo. */
export const BaseInfoWire = z.object({
  /** 人员编号 (bureau-internal person number). */
  psn_no: z.string(),
  /** 人员证件类型: 01 = 居民身份证. */
  psn_cert_type: Code,
  /** 证件号码 (full ID number; never leaves the BFF unmasked). */
  certno: z.string(),
  psn_name: z.string(),
  /** 性别: 1 male, 2 female, others unknown. */
  gend: Code,
  naty: Code.nullish(),
  /** 出生日期 yyyy-MM-dd. */
  brdy: z.string().nullish(),
  age: z.union([z.number(), z.string()]).nullish(),
  exp_content: z.unknown().optional(),
})

/** 1101: 表7 参保信息列表 insuinfo. */
export const InsuInfoWire = z.object({
  /** 余额 (yuan). */
  balc: YuanAmountWire.nullish().transform(v => v ?? 0),
  /** 险种类型: 390 城乡居民基本医疗保险 … */
  insutype: Code,
  /** 人员类别: 2-digit national prefix + local sub-code. */
  psn_type: Code,
  /** 人员参保状态: 0 未参保, 1 正常, 2 暂停, 3 无效/终止 (sources disagree), 4 终止. */
  psn_insu_stas: Code,
  /** 个人参保日期 yyyy-MM-dd. */
  psn_insu_date: NullableText,
  /** 暂停参保日期. */
  paus_insu_date: NullableText,
  cvlserv_flag: Code.nullish(),
  /** 参保地医保区划. */
  insuplc_admdvs: Code,
  /** 单位名称 (residents: a virtual unit). */
  emp_name: NullableText,
})

/** 1101: 表8 身份信息列表 idetinfo. */
export const IdetInfoWire = z.object({
  /** 人员身份类别 (see `IDET_TYPES`). */
  psn_idet_type: Code,
  /** 残疾等级 (1–4) of a 重度残疾人 status. */
  psn_type_lv: Code.nullish(),
  memo: NullableText,
  /** 残疾类别 of a 重度残疾人 status (sandbox code, see `DSAB_TYPES`). */
  dsab_type: Code.nullish(),
  /** 贫困标志 of a 重度残疾人 status: `1` 未脱贫. */
  poor_flag: Code.nullish(),
  begntime: NullableText,
  endtime: NullableText,
})

export const PersonInfoOutputWire = z.object({
  baseinfo: BaseInfoWire,
  insuinfo: z.array(InsuInfoWire).nullish().transform(v => v ?? []),
  idetinfo: z.array(IdetInfoWire).nullish().transform(v => v ?? []),
})
export type PersonInfoOutput = z.infer<typeof PersonInfoOutputWire>
/** The wire shape before parsing (what the bureau sends), for mocks and fixtures. */
export type PersonInfoOutputInput = z.input<typeof PersonInfoOutputWire>

/** 1160 家庭成员关系核验 (local extension): relation of `certno_member` to `certno` per the household register. */
export const FamilyRelationOutputWire = z.object({
  /** '1' when both are in the same 户. */
  same_hshd: Code,
  /** GB/T 4761 group: 10 配偶, 20 子女, 40 孙子女, 50 父母, 60 祖父母/外祖父母, 70 兄弟姐妹, 99 其他. */
  rlts: Code,
  rlts_name: z.string().nullish(),
})
