import type { DisabilityKind, PersonCategory, SpecialStatus } from '@yibao/shared'
import type { DclaSouc, NatyCode, PsnIdetType, ResdCertType, RlocRea } from '../nhsa/dictionaries'

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
  /** 残疾类别 of a severe_disability status (sent as idetinfo.dsab_type, see `DSAB_TYPE`), else `null`. */
  disabilityKind: DisabilityKind | null
  /**
   * 贫困标志 of a severe_disability status (sent as idetinfo.poor_flag): `true` = 未脱贫, `false` = 已脱贫 or never
   * registered poor; `null` for other statuses.
   */
  poor: boolean | null
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
  /** Part of a paid year given back by an approved partial 退费 (fen); the year stays paid. Absent: none. */
  refundedFen?: number
}

/**
 * One 异地就医备案 (a row of the bureau's `out_appy_d`), filed with 2551, cancelled with 2552, listed by 5302
 * (all three local extensions). Wire names are given per field.
 */
export interface SandboxCrossRegionFiling {
  /** trt_dcla_detl_sn 待遇申报明细流水号 (unique across the sandbox). */
  sn: string
  /** insu_admdvs: the 参保地 the filing was made under (the request's insuplc_admdvs). */
  insuAdmdvs: string
  insutype: '390' | '310'
  /** rloc_rea 备案类型 (see `RLOC_REA`). */
  rlocRea: RlocRea
  /** rloc_admdvs 就医地 (6-digit division, outside the 参保地's 统筹区). */
  rlocAdmdvs: string
  /** begndate (`YYYY-MM-DD`). */
  begin: string
  /** enddate (`YYYY-MM-DD`, inclusive) or `null` = 长期有效. */
  end: string | null
  /** tel 联系电话. */
  tel: string
  /** resout_addr 居外地址. */
  resoutAddr: string | null
  /** trafout_fixmedins_name 转出医院 (06 转诊). */
  trafoutFixmedinsName: string | null
  /** prom_flag 个人承诺标志: '1' = filed on a personal promise instead of a residence proof. */
  promFlag: '0' | '1' | null
  /** resd_cert_type 居住证明类型 (see `RESD_CERT_TYPE`) of a filing made on a residence proof, else `null`. */
  resdCertType: ResdCertType | null
  /** resd_certno 居住证明编号, with `resdCertType`. */
  resdCertno: string | null
  /** vali_flag: '1' valid (also after its end date), '0' cancelled. */
  valid: boolean
  /** memo as last written: the filing's memo, replaced by the reason when cancelled. */
  memo: string | null
  /** The `req:` memo the filing was made with (2551 answers a repeat with this filing), else `null`. */
  requestKey: string | null
  /** dcla_souc 申报来源. */
  dclaSouc: DclaSouc
  /** 代办人 (agent) block, all `null` when the person filed themselves. */
  agnterName: string | null
  agnterCertno: string | null
  /** agnter_rlts 代办人关系: 1160's family-relation codes (10 配偶, 20 子女, 50 父母…) in the seed; short text as sent by 2551. */
  agnterRlts: string | null
  /** crte_time as an ISO moment (+08:00). */
  createdAt: string
  /** When it was cancelled (ISO moment, +08:00), `null` while valid. */
  cancelledAt: string | null
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
  /** 异地就医备案 filings (2551/2552/5302), oldest first; mutated by the transactions. */
  crossRegionFilings: SandboxCrossRegionFiling[]
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
