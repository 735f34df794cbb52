import type { NatyCode } from '../nhsa/dictionaries'
import type { PolicyRegion, SandboxCounty } from './model'

/** Extra facts the generator needs per county. */
export interface CountyProfile extends SandboxCounty {
  /** Towns / sub-districts used in addresses. */
  towns: readonly string[]
  /** Nationality weights of the local population. */
  nations: Readonly<Partial<Record<NatyCode, number>>>
  /** School names used as emp_name for 中小学生. */
  schools: readonly string[]
  /** College used as emp_name for 大学生 enrolled here. */
  college: string
}

/**
 * Counties the seed uses. Fengxiang was 凤翔县 610322 until it became 凤翔区 610305 in 2021; the sandbox
 * keeps 610322 as the product's policy-region key (policy-rules.md).
 */
export const COUNTIES = {
  370502: {
    code: '370502',
    name: '东营区',
    cityCode: '370500',
    cityName: '东营市',
    provinceName: '山东省',
    policyRegion: '370500',
    towns: ['文汇街道', '黄河路街道', '胜利街道', '辛店街道', '牛庄镇'],
    nations: { '01': 97, '03': 3 },
    schools: ['东营区实验小学', '东营市胜利第一中学', '东营区文华学校'],
    college: '中国石油大学胜利学院',
  },
  370503: {
    code: '370503',
    name: '河口区',
    cityCode: '370500',
    cityName: '东营市',
    provinceName: '山东省',
    policyRegion: '370500',
    towns: ['河口街道', '六合街道', '孤岛镇', '仙河镇'],
    nations: { '01': 99, '03': 1 },
    schools: ['河口区实验学校', '河口区第一中学'],
    college: '中国石油大学胜利学院',
  },
  370523: {
    code: '370523',
    name: '广饶县',
    cityCode: '370500',
    cityName: '东营市',
    provinceName: '山东省',
    policyRegion: '370500',
    towns: ['广饶街道', '稻庄镇', '大王镇', '李鹊镇'],
    nations: { '01': 100 },
    schools: ['广饶县实验中学', '广饶县第一中学', '广饶县乐安小学'],
    college: '中国石油大学胜利学院',
  },
  610322: {
    code: '610322',
    name: '凤翔县',
    cityCode: '610300',
    cityName: '宝鸡市',
    provinceName: '陕西省',
    policyRegion: '610322',
    towns: ['城关镇', '虢王镇', '柳林镇', '陈村镇', '横水镇'],
    nations: { '01': 96, '03': 4 },
    schools: ['凤翔县东街小学', '凤翔中学', '凤翔县彪角中学'],
    college: '宝鸡文理学院',
  },
  522601: {
    code: '522601',
    name: '凯里市',
    cityCode: '522600',
    cityName: '黔东南苗族侗族自治州',
    provinceName: '贵州省',
    policyRegion: '520000',
    towns: ['大十字街道', '西门街道', '三棵树镇', '舟溪镇', '旁海镇'],
    nations: { '06': 55, '01': 30, '12': 15 },
    schools: ['凯里市第一中学', '凯里市第八小学', '凯里市舟溪中学'],
    college: '凯里学院',
  },
  520112: {
    code: '520112',
    name: '乌当区',
    cityCode: '520100',
    cityName: '贵阳市',
    provinceName: '贵州省',
    policyRegion: '520000',
    towns: ['新添寨街道', '东风镇', '水田镇', '羊昌镇'],
    nations: { '01': 70, '09': 20, '06': 10 },
    schools: ['乌当区第一中学', '乌当区新添寨小学'],
    college: '贵州大学',
  },
  522732: {
    code: '522732',
    name: '三都水族自治县',
    cityCode: '522700',
    cityName: '黔南布依族苗族自治州',
    provinceName: '贵州省',
    policyRegion: '520000',
    towns: ['三合街道', '周覃镇', '九阡镇', '中和镇'],
    nations: { '25': 60, '09': 15, '06': 10, '01': 15 },
    schools: ['三都民族中学', '三都县第二中学', '三都县九阡小学'],
    college: '黔南民族师范学院',
  },
} as const satisfies Record<string, CountyProfile>

/** A county code the seed uses. */
export type CountyCode = `${keyof typeof COUNTIES}`

/** County profile by code; throws for a code the seed does not know. */
export function county(code: string): CountyProfile {
  const found = (COUNTIES as Record<string, CountyProfile>)[code]
  if (!found) throw new Error(`unknown sandbox county ${code}`)
  return found
}

/** Human name of a policy region. */
export const POLICY_REGION_NAMES: Record<PolicyRegion, string> = {
  370500: '山东省东营市',
  610322: '陕西省宝鸡市凤翔',
  520000: '贵州省',
}

/** emp_name of the residents' virtual unit (EMP_MGT_TYPE 08 居民虚拟单位) of a county. */
export function virtualUnitName(countyCode: string): string {
  return `${county(countyCode).name}城乡居民虚拟单位`
}

/** emp_name of the 财政代缴 pool of a county, e.g. `凤翔县医疗保障参保库(财政代缴特困人员)`. */
export function financePoolName(countyCode: string, who: string): string {
  return `${county(countyCode).name}医疗保障参保库(财政代缴${who})`
}
