import type { CountyCode } from './regions'

/**
 * Designated hospitals (定点医疗机构) the settlement seed sends residents to. Each county lists its own
 * hospitals and the city-level (三级) hospital its residents are referred to, so a stay always happens
 * in the person's policy region.
 *
 * `fixmedins_code` follows the national pattern `H` + 6-digit division + 5-digit serial (12 characters).
 * `hosp_lv` is the 医院等级 code the sandbox sends — a **sandbox convention** following the common
 * 三级评审等级 tables seen in public code (01 三级特等, 02 三级甲等, 03 三级乙等, 04 三级丙等, 05 二级甲等,
 * 06 二级乙等, 07 二级丙等, 08 一级甲等, 09 一级乙等, 10 一级丙等, 11 一级未评, 12 二级未评, 13 三级未评,
 * 14 未定级); the national dictionary text was not found.
 */

/** A designated hospital. */
export interface SandboxHospital {
  /** fixmedins_code 定点医药机构编号. */
  code: string
  /** fixmedins_name. */
  name: string
  /** Level for the policy engine: 1 乡镇/社区, 2 县级, 3 市级及以上. */
  level: 1 | 2 | 3
  /** hosp_lv 医院等级 code (see the module comment). */
  hospLv: string
}

/** 医院等级 names of the `hosp_lv` codes the sandbox sends. */
export const HOSP_LV = {
  '01': '三级特等',
  '02': '三级甲等',
  '03': '三级乙等',
  '04': '三级丙等',
  '05': '二级甲等',
  '06': '二级乙等',
  '07': '二级丙等',
  '08': '一级甲等',
  '09': '一级乙等',
  '10': '一级丙等',
  '11': '一级未评',
  '12': '二级未评',
  '13': '三级未评',
  '14': '未定级',
} as const

const DONGYING_CITY: SandboxHospital = { code: 'H37050200011', name: '东营市人民医院', level: 3, hospLv: '02' }
const SHENGLI: SandboxHospital = { code: 'H37050200012', name: '胜利油田中心医院', level: 3, hospLv: '02' }
const BAOJI_CITY: SandboxHospital = { code: 'H61030200011', name: '宝鸡市中心医院', level: 3, hospLv: '02' }
const QIANDONGNAN: SandboxHospital = { code: 'H52260100011', name: '黔东南州人民医院', level: 3, hospLv: '02' }
const GUIYANG: SandboxHospital = { code: 'H52010300011', name: '贵州医科大学附属医院', level: 3, hospLv: '02' }
const QIANNAN: SandboxHospital = { code: 'H52270100011', name: '黔南州人民医院', level: 3, hospLv: '03' }

/** Hospitals by the resident's county (level 3 first, then 2, then 1). */
export const HOSPITALS: Record<CountyCode, readonly SandboxHospital[]> = {
  370502: [
    DONGYING_CITY,
    SHENGLI,
    { code: 'H37050200021', name: '东营区人民医院', level: 2, hospLv: '05' },
    { code: 'H37050200031', name: '东营区文汇街道社区卫生服务中心', level: 1, hospLv: '08' },
    { code: 'H37050200032', name: '东营区牛庄镇中心卫生院', level: 1, hospLv: '09' },
  ],
  370503: [
    DONGYING_CITY,
    { code: 'H37050300021', name: '东营市河口区人民医院', level: 2, hospLv: '05' },
    { code: 'H37050300031', name: '河口区孤岛镇卫生院', level: 1, hospLv: '09' },
  ],
  370523: [
    DONGYING_CITY,
    { code: 'H37052300021', name: '广饶县人民医院', level: 2, hospLv: '05' },
    { code: 'H37052300022', name: '广饶县中医院', level: 2, hospLv: '06' },
    { code: 'H37052300031', name: '广饶县稻庄镇卫生院', level: 1, hospLv: '08' },
  ],
  610322: [
    BAOJI_CITY,
    { code: 'H61032200021', name: '凤翔县医院', level: 2, hospLv: '05' },
    { code: 'H61032200022', name: '凤翔县中医医院', level: 2, hospLv: '06' },
    { code: 'H61032200031', name: '凤翔县柳林镇中心卫生院', level: 1, hospLv: '08' },
  ],
  522601: [
    QIANDONGNAN,
    { code: 'H52260100021', name: '凯里市第一人民医院', level: 2, hospLv: '05' },
    { code: 'H52260100031', name: '凯里市舟溪镇卫生院', level: 1, hospLv: '08' },
  ],
  520112: [
    GUIYANG,
    { code: 'H52011200021', name: '贵阳市乌当区人民医院', level: 2, hospLv: '05' },
    { code: 'H52011200031', name: '乌当区东风镇卫生院', level: 1, hospLv: '11' },
  ],
  522732: [
    QIANNAN,
    { code: 'H52273200021', name: '三都水族自治县人民医院', level: 2, hospLv: '05' },
    { code: 'H52273200022', name: '三都水族自治县中医医院', level: 2, hospLv: '12' },
    { code: 'H52273200031', name: '三都县周覃镇卫生院', level: 1, hospLv: '08' },
  ],
}

/** Hospital by fixmedins_code; throws for an unknown code (a seed bug). */
export function hospitalByCode(code: string): SandboxHospital {
  for (const list of Object.values(HOSPITALS)) {
    const found = list.find(h => h.code === code)
    if (found) return found
  }
  throw new Error(`unknown sandbox hospital ${code}`)
}
