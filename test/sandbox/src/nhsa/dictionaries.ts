import type { DisabilityKind, SpecialStatus } from '@yibao/shared'

/**
 * Code tables (代码表) the sandbox speaks on the wire. The national dictionary document was never found
 * (see shared/reference/nhsa-interface.md §2.5), so every table below is "national core as seen in public
 * code + the sandbox's own choices". Each table says which parts are which. Keep them plain exported consts:
 * the BFF copies them into its NHSA adapter so both sides agree.
 */

/**
 * psn_idet_type 人员身份类别 — **sandbox codes**. The national table is unverified ([U]; only an
 * AI-generated SDK table with codes 1–9 was found), so these four-digit codes are the sandbox's own and
 * map one-to-one onto the shared `SpecialStatus` ids. The BFF mapper must treat any other code as
 * "unknown status" rather than guess.
 */
export const PSN_IDET_TYPES = {
  2101: { status: 'poverty_registered', label: '建档立卡贫困人口' },
  2201: { status: 'minimum_living', label: '低保对象' },
  2301: { status: 'extreme_poverty', label: '特困人员' },
  2401: { status: 'severe_disability', label: '重度残疾人' },
  2501: { status: 'marginal', label: '边缘易致贫人口（监测对象）' },
} as const satisfies Record<string, { status: SpecialStatus, label: string }>

/** A psn_idet_type code the sandbox emits. */
export type PsnIdetType = keyof typeof PSN_IDET_TYPES

/** Reverse lookup: shared `SpecialStatus` → sandbox psn_idet_type code. */
export const IDET_TYPE_BY_STATUS: Record<SpecialStatus, `${PsnIdetType}`> = {
  poverty_registered: '2101',
  minimum_living: '2201',
  extreme_poverty: '2301',
  severe_disability: '2401',
  marginal: '2501',
}

/**
 * psn_type_lv 残疾等级 sent in idetinfo for 重度残疾人 (2401); `null` for every other status.
 * Levels follow the national disability grades 一级 (most severe) … 四级. Sandbox codes.
 */
export const PSN_TYPE_LV = {
  1: '一级残疾',
  2: '二级残疾',
  3: '三级残疾',
  4: '四级残疾',
} as const

/**
 * dsab_type 残疾类别 sent in idetinfo for 重度残疾人 (2401) only — **sandbox field and codes**, in the order of
 * GB/T 26341-2010 (视力、听力、言语、肢体、智力、精神、多重). The national 1101 (nhsa-interface.md §2.2) has no such
 * field: the grade alone (psn_type_lv) cannot tell a 三级智力残疾 from a 三级肢体残疾, which 东医保发〔2020〕56号 二(二)
 * treats differently.
 */
export const DSAB_TYPE = {
  1: 'visual',
  2: 'hearing',
  3: 'speech',
  4: 'physical',
  5: 'intellectual',
  6: 'mental',
  7: 'multiple',
} as const satisfies Record<number, DisabilityKind>

/** Reverse lookup: disability kind → dsab_type code. */
export const DSAB_TYPE_BY_KIND = Object.fromEntries(
  Object.entries(DSAB_TYPE).map(([code, kind]) => [kind, code]),
) as Record<DisabilityKind, `${keyof typeof DSAB_TYPE}`>

/**
 * poor_flag 贫困标志 sent in idetinfo for 重度残疾人 (2401) only: `1` 未脱贫 (still poor), `0` 已脱贫 or never
 * registered poor. The name follows the POOR_FLAG column of the platform's payment-policy tables (seen in
 * public bureau code); its place on 1101's idetinfo is the sandbox's own.
 */
export const POOR_FLAG = { 0: '否（已脱贫或非贫困人口）', 1: '是（未脱贫）' } as const

/**
 * psn_type 人员类别 the sandbox knows. National two-digit prefixes with the four-digit resident sub-codes
 * seen in public code (nhsa-interface.md §2.5). Deliberately **absent**: `1560` (a real local code for
 * 财政代缴五类人员 seen in Sichuan data) — the sandbox sends it for Fengxiang adults whose premium finance
 * pays in full (in the current seed: the `unknownPsnType` fixture 李春生), so the BFF's "fall back on the
 * two-digit prefix" path is exercised (15 → 成年居民).
 */
export const PSN_TYPES = {
  11: '在职',
  12: '退休',
  13: '离休',
  14: '未成年人',
  15: '居民（成年）',
  16: '居民（老年）',
  1201: '退休人员',
  1401: '新生儿',
  1402: '学龄前儿童',
  1403: '中小学生',
  1404: '大学生',
  1405: '未成年人（未入学）',
  1501: '成年居民',
  1601: '老年居民',
  1701: '城乡居民',
} as const

/** psn_type codes the seed uses that are NOT in `PSN_TYPES` (to exercise prefix fallback). */
export const UNKNOWN_LOCAL_PSN_TYPES = ['1560'] as const

/** insutype 险种类型 the sandbox emits (national codes, §2.5). */
export const INSUTYPES = {
  310: '职工基本医疗保险',
  390: '城乡居民基本医疗保险',
  392: '城乡居民大病医疗保险',
} as const

/**
 * psn_insu_stas 人员参保状态. Sources disagree on 3 (无效 vs 终止); the sandbox only emits 1, 2 and 4,
 * so the disputed code never appears on the wire.
 */
export const PSN_INSU_STAS = {
  0: '未参保',
  1: '正常参保',
  2: '暂停参保',
  3: '无效参保',
  4: '终止参保',
} as const

/** gend 性别 (GB/T 2261.1): 1 男, 2 女. */
export const GEND = { 1: '男', 2: '女' } as const

/** naty 民族 (GB 3304), the subset the seed uses. */
export const NATY = {
  '01': '汉族',
  '03': '回族',
  '06': '苗族',
  '09': '布依族',
  '12': '侗族',
  '25': '水族',
} as const

/** A naty code the seed uses. */
export type NatyCode = keyof typeof NATY

/** psn_cert_type 人员证件类型: the sandbox only holds 居民身份证 holders. */
export const PSN_CERT_TYPES = { '01': '居民身份证（户口簿）' } as const

/** mdtrt_cert_type 就诊凭证类型 (§2.2). */
export const MDTRT_CERT_TYPES = {
  '01': '医保电子凭证（令牌）',
  '02': '居民身份证（证件号码）',
  '03': '社会保障卡（卡号）',
} as const

/**
 * rloc_rea 备案类型 (异地安置原因) of 异地就医备案 (2551/5302, local extensions) — **sandbox codes**. The
 * national dictionary text is unverified (nhsa-interface.md §2.4 only infers 02 异地安置退休 and 06 异地转诊
 * from bureau SQL, with 07/08 used differently by one bureau), so 03/04/08 are the sandbox's own choices.
 * `longTerm` filings (异地长期居住人员: 02/03/04) are 长期有效 (`enddate` null); the others (临时外出就医: 06/08)
 * carry an end date at most 12 months after the start.
 */
export const RLOC_REA = {
  '02': { label: '异地安置退休人员', longTerm: true },
  '03': { label: '常驻异地工作人员', longTerm: true },
  '04': { label: '异地长期居住人员', longTerm: true },
  '06': { label: '异地转诊就医人员', longTerm: false },
  '08': { label: '其他临时外出就医人员', longTerm: false },
} as const

/** An rloc_rea code the sandbox accepts. */
export type RlocRea = keyof typeof RLOC_REA

/**
 * resd_cert_type 居住证明类型 of a 异地长期居住人员 filing (04) made on a residence proof rather than a personal
 * promise (prom_flag '1') — **sandbox field and codes**: the platform's `out_appy_d` keeps no material beyond
 * `att_cnt` (附件数量), so the kind and number (resd_certno) ride on the 2551/5302 local extensions.
 */
export const RESD_CERT_TYPE = {
  '01': '居住证',
  '02': '不动产权证书（房产证）',
  '03': '房屋租赁登记备案证明',
  '04': '社区（村）出具的居住证明',
} as const

/** A resd_cert_type code. */
export type ResdCertType = keyof typeof RESD_CERT_TYPE

/** dcla_souc 申报来源 of 异地就医备案 (sandbox codes): 01 经办窗口, 02 移动端 (the product), 03 网上服务大厅. */
export const DCLA_SOUC = {
  '01': '经办窗口',
  '02': '移动端',
  '03': '网上服务大厅',
} as const

/** A dcla_souc code. */
export type DclaSouc = keyof typeof DCLA_SOUC
