import type { PersonCategory, SpecialStatus } from '@yibao/shared'
import type { NatyCode, PsnIdetType } from '../nhsa/dictionaries'

/**
 * The sandbox's own model of the bureau's person base (psn_info_b), household register (户口簿),
 * insurance relations (psn_insu_d), special statuses and yearly contributions (staf_psn_clct_detl_d).
 * Wire formats are produced from this model by the transaction handlers; later features (family binding,
 * coverage, settlements, premium payment) extend it rather than inventing parallel data.
 *
 * Conventions: dates are `YYYY-MM-DD` (Shanghai calendar), moments are ISO 8601 with `+08:00`,
 * money is integer fen.
 */

/** The three policy regions of the product (shared/reference/policy-rules.md). */
export type PolicyRegion = '370500' | '610322' | '520000'

/** A county-level division the seed places people in. */
export interface SandboxCounty {
  /** 6-digit administrative division code, also the 参保地 (insuplc_admdvs). */
  code: string
  name: string
  cityCode: string
  cityName: string
  provinceName: string
  policyRegion: PolicyRegion
}

/** Relationship to the household head as written in the 户口簿. */
export type HouseholdRelation = 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'sibling'

/** Special status (人员身份) with its validity. */
export interface SandboxStatus {
  status: SpecialStatus
  /** Sandbox psn_idet_type code (see `PSN_IDET_TYPES`). */
  idetType: `${PsnIdetType}`
  /** Disability grade `'1'`–`'4'` for severe_disability, else `null`. */
  level: string | null
  /** Free text sent as idetinfo.memo (e.g. the disability type). */
  memo: string | null
  /** First day (`YYYY-MM-DD`). */
  begin: string
  /** Last day (`YYYY-MM-DD`) or `null` while still valid. */
  end: string | null
}

/** Why an insurance relation ended (psn_insu_stas 4). */
export type InsuranceEndReason = 'death' | 'moved_to_employee' | 'moved_out'

/** One insurance relation (参保关系) in one 参保地 and one 险种. */
export interface SandboxInsurance {
  /** insutype: 390 resident basic, 392 resident critical illness, 310 employee basic. */
  insutype: '390' | '392' | '310'
  /** 参保地 county code (insuplc_admdvs). */
  admdvs: string
  /** psn_insu_date: first day of coverage. */
  insuDate: string
  /** Day the relation was terminated (→ psn_insu_stas 4, paus_insu_date) or `null`. */
  endDate: string | null
  endReason: InsuranceEndReason | null
  /** emp_name: the (virtual) unit the person is enrolled through. */
  empName: string
  /** Account balance in fen (balc); residents normally have 0. */
  balanceFen: number
  /** psn_type for relations whose category does not follow from contributions (e.g. 310 → '11'). */
  psnType: string | null
  /** cvlserv_flag 公务员标志: always '0' in the seed. */
  cvlservFlag: '0' | '1'
}

/** Payment channel of a yearly contribution. `finance` = 财政代缴 (the person paid nothing). */
export type ContributionChannel = 'wechat' | 'alipay' | 'bank_app' | 'tax_hall' | 'finance'

/** One year's resident contribution (个人缴费) for one 参保地. */
export interface SandboxContribution {
  /** Benefit year (待遇享受年度) the payment is for. */
  year: number
  admdvs: string
  insutype: '390'
  /** psn_type for that year (children move from 1402 to 1403, etc.). */
  psnType: string
  category: PersonCategory
  paid: boolean
  /** Individual contribution standard for the category (fen). Sandbox amounts; see premiums.ts. */
  standardFen: number
  /** Government 资助 for special statuses (fen). */
  subsidyFen: number
  /** What the person pays (standard − subsidy) in fen; due amount when unpaid. */
  personalFen: number
  /** ISO moment of payment, `null` when unpaid. */
  paidAt: string | null
  channel: ContributionChannel | null
  /** 电子缴费凭证号 (tax receipt number), `null` when unpaid. */
  receiptNo: string | null
}

/** Story tags that make a resident interesting for tests and demos. */
export type SandboxTag
  = | 'demo'
    | 'newborn'
    | 'student'
    | 'college_student'
    | 'multiple_statuses'
    | 'suspended'
    | 'gap_year'
    | 'deceased'
    | 'moved_to_employee'
    | 'duplicate_enrolment'
    | 'unknown_psn_type'
    | 'never_enrolled'
    | 'status_history'
    | 'finance_paid'

/** A synthetic resident. Every identifier is fake but well-formed. */
export interface SandboxPerson {
  /** psn_no 人员编号 (20 chars; province prefix + serial). */
  psnNo: string
  /** GB 11643 居民身份证号码 (valid check character). */
  certNo: string
  name: string
  sex: 'male' | 'female'
  /** naty 民族 code. */
  nation: NatyCode
  birthDate: string
  /** Mobile phone (children carry a guardian's number). */
  mobile: string
  /** 户籍地址. */
  address: string
  /** 户籍 county, the household's county. */
  countyCode: string
  policyRegion: PolicyRegion
  householdId: string
  relation: HouseholdRelation
  /** Relation as printed in the 户口簿: 户主, 妻, 夫, 子, 女, 父亲, 母亲, 孙子, 孙女, 兄, 弟, 姐, 妹. */
  relationLabel: string
  /** Category in the seed year (2026). */
  category: PersonCategory
  /** psn_type in the seed year (2026). */
  psnType: string
  statuses: SandboxStatus[]
  insurance: SandboxInsurance[]
  contributions: SandboxContribution[]
  /** Date of death, `null` when alive. */
  deathDate: string | null
  /** 医保电子凭证 token accepted by 1101 with mdtrt_cert_type '01' (opaque sandbox value). */
  ecToken: string
  /** 社会保障卡卡号 (mdtrt_cert_type '03'). */
  ssCardNo: string
  /** 社会保障卡识别码 card_sn (required with mdtrt_cert_type '03'). */
  ssCardSn: string
  tags: SandboxTag[]
}

/** A household (户) as in the 户口簿. */
export interface SandboxHousehold {
  /** 户号: county code + 6-digit serial. */
  id: string
  countyCode: string
  policyRegion: PolicyRegion
  address: string
  headCertNo: string
  /** Member certNos, head first. */
  memberCertNos: string[]
}

/** Everything the seed produces. */
export interface SandboxDataset {
  persons: SandboxPerson[]
  households: SandboxHousehold[]
}
