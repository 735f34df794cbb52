import type { SandboxInsurance, SandboxPerson } from '../../seed/model'
import { ageOn, fenToYuanString, shanghaiDate } from '@yibao/shared'
import { z } from 'zod'
import { parseWireDateTime } from '../../lib/wire-time'
import { contributionsOf } from '../../tax/contributions'
import { DSAB_TYPE_BY_KIND } from '../dictionaries'
import { defineTransaction, NhsaFailure } from '../registry'

/**
 * 1101 人员信息获取 (nhsa-interface.md §2.2). Finds a person by ID number, e-voucher token or social
 * security card and returns `baseinfo`, `insuinfo[]` and `idetinfo[]` as of `begntime` (default: now).
 *
 * Wire quirks the sandbox reproduces on purpose (the BFF must normalise them):
 * - Amounts (`balc`, and `crt_year_balc`/`cal_year_balc` where present) are JSON numbers in yuan, **except
 *   rows whose insuplc_admdvs is in Guizhou (52xxxx), which send them as 2-decimal strings** (`"0.00"`).
 * - Rows in Shaanxi (61xxxx) carry the newer `crt_year_balc` / `cal_year_balc` fields and an extra 392 row.
 * - `exp_content` is `""`, except for deceased persons: a JSON string `{"die_date":"yyyy-MM-dd"}` (sandbox convention).
 * - `psn_type_lv`, `memo`, `endtime` and `paus_insu_date` are `null` when empty.
 * - 重度残疾人 rows (2401) also carry the sandbox's `dsab_type` (残疾类别, `DSAB_TYPE`; `null` when unknown) and
 *   `poor_flag` (贫困标志, `1` = 未脱贫): a policy may count only part of the 重度残疾人 (东医保发〔2020〕56号 二(二)).
 */

const blank = (v: unknown): unknown => (v === '' || v === null ? undefined : v)
const optionalText = z.preprocess(blank, z.string().trim().optional())

/** Input of 1101: `{ data: { … } }`. Blank strings count as absent, as HIS clients send them. */
export const PersonInfoInputSchema = z.object({
  data: z.object({
    mdtrt_cert_type: z.enum(['01', '02', '03'], { error: '就诊凭证类型[mdtrt_cert_type]应为01（电子凭证）、02（身份证）或03（社保卡）' }),
    mdtrt_cert_no: z.string({ error: '就诊凭证编号[mdtrt_cert_no]不能为空' }).trim().min(1, { error: '就诊凭证编号[mdtrt_cert_no]不能为空' }),
    card_sn: optionalText,
    begntime: z.preprocess(blank, z.string().refine(v => parseWireDateTime(v) !== null, { error: '开始时间[begntime]格式错误，应为yyyy-MM-dd HH:mm:ss' }).optional()),
    psn_cert_type: optionalText,
    certno: optionalText,
    psn_name: optionalText,
  }, { error: '交易输入缺少data节点' }),
})

/** Validated 1101 input. */
export type PersonInfoInput = z.infer<typeof PersonInfoInputSchema>

/** A wire amount: number in yuan, or a `"0.00"` string for Guizhou rows. */
export type WireAmount = number | string

/** 1101 `baseinfo`. */
export interface BaseInfo {
  psn_no: string
  psn_cert_type: string
  certno: string
  psn_name: string
  /** '1' male, '2' female. */
  gend: '1' | '2'
  naty: string
  /** yyyy-MM-dd. */
  brdy: string
  /** Years with one decimal (floored), e.g. 40.6. */
  age: number
  exp_content: string
}

/** 1101 `insuinfo[]` row (表7 参保信息列表). */
export interface InsuInfo {
  balc: WireAmount
  insutype: string
  psn_type: string
  psn_insu_stas: '1' | '2' | '4'
  psn_insu_date: string
  paus_insu_date: string | null
  cvlserv_flag: string
  insuplc_admdvs: string
  emp_name: string
  crt_year_balc?: WireAmount
  cal_year_balc?: WireAmount
}

/** 1101 `idetinfo[]` row (表8 身份信息列表). */
export interface IdetInfo {
  psn_idet_type: string
  psn_type_lv: string | null
  memo: string | null
  /** 残疾类别 (`DSAB_TYPE`), on 2401 rows only. */
  dsab_type?: string | null
  /** 贫困标志 (`POOR_FLAG`: `1` 未脱贫), on 2401 rows only. */
  poor_flag?: '0' | '1'
  /** yyyy-MM-dd HH:mm:ss. */
  begntime: string
  endtime: string | null
}

/** 1101 output. */
export interface PersonInfoOutput {
  baseinfo: BaseInfo
  insuinfo: InsuInfo[]
  idetinfo: IdetInfo[]
}

/** Amount in the region's wire form (see the module comment). */
export function wireAmount(fen: number, admdvs: string): WireAmount {
  return admdvs.startsWith('52') ? fenToYuanString(fen) : fen / 100
}

/** Age in years with one decimal, floored (the platform's age is NUMBER(4,1)). */
export function ageWithTenths(birthDate: string, on: Date): number {
  const whole = ageOn(birthDate, on)
  if (whole < 0) return 0
  const today = shanghaiDate(on)
  const lastBirthday = new Date(`${Number(birthDate.slice(0, 4)) + whole}${birthDate.slice(4)}T00:00:00Z`)
  const nextBirthday = new Date(`${Number(birthDate.slice(0, 4)) + whole + 1}${birthDate.slice(4)}T00:00:00Z`)
  const fraction = (Date.parse(`${today}T00:00:00Z`) - lastBirthday.getTime()) / (nextBirthday.getTime() - lastBirthday.getTime())
  return Math.floor((whole + fraction) * 10 + 1e-9) / 10
}

function findPerson(input: PersonInfoInput['data'], ctx: { findByCert: (c: string) => SandboxPerson | undefined, findByToken: (t: string) => SandboxPerson | undefined, findByCard: (c: string) => SandboxPerson | undefined }): SandboxPerson {
  let person: SandboxPerson | undefined
  switch (input.mdtrt_cert_type) {
    case '01':
      person = ctx.findByToken(input.mdtrt_cert_no)
      if (!person) throw new NhsaFailure('医保电子凭证令牌无效或已过期')
      break
    case '02':
      if (input.certno && input.certno.toUpperCase() !== input.mdtrt_cert_no.toUpperCase()) throw new NhsaFailure('就诊凭证编号与证件号码不一致')
      if (input.psn_cert_type && input.psn_cert_type !== '01') throw new NhsaFailure('未查询到人员信息')
      person = ctx.findByCert(input.mdtrt_cert_no)
      break
    case '03':
      if (!input.card_sn) throw new NhsaFailure('社会保障卡识别码[card_sn]不能为空')
      person = ctx.findByCard(input.mdtrt_cert_no)
      if (person && person.ssCardSn !== input.card_sn.toUpperCase()) throw new NhsaFailure('社会保障卡识别码不匹配')
      break
  }
  if (!person) throw new NhsaFailure('未查询到人员信息')
  if (input.mdtrt_cert_type !== '02' && input.certno && input.certno.toUpperCase() !== person.certNo) throw new NhsaFailure('就诊凭证与证件号码不一致')
  if (input.psn_name && input.psn_name !== person.name) throw new NhsaFailure('人员姓名与证件号码不匹配')
  return person
}

/**
 * One insuinfo row of a relation as of `at`, or `null` when the relation had not started. Whether the
 * year is paid comes from the tax bureau's record (`contributionsOf`: the platform receives the tax
 * system's 缴费信息), so a year paid in the autumn, by the resident or by finance, is 正常 from 1 January.
 */
function insuRow(person: SandboxPerson, rel: SandboxInsurance, at: Date): InsuInfo | null {
  const day = shanghaiDate(at)
  if (rel.insuDate > day) return null
  const year = Number(day.slice(0, 4))
  const contribution = contributionsOf(person, at).find(c => c.year === year && c.admdvs === rel.admdvs)
  let stas: InsuInfo['psn_insu_stas'] = '1'
  let paus: string | null = null
  if (rel.endDate !== null && rel.endDate <= day) {
    stas = '4'
    paus = rel.endDate
  }
  else if (rel.insutype !== '310' && year >= 2022 && !contribution?.paid) {
    // Resident coverage is suspended for a benefit year that was not paid.
    stas = '2'
    paus = `${year}-01-01`
  }
  const row: InsuInfo = {
    balc: wireAmount(rel.balanceFen, rel.admdvs),
    insutype: rel.insutype,
    psn_type: rel.psnType ?? contribution?.psnType ?? lastPsnType(person, rel.admdvs, year) ?? person.psnType,
    psn_insu_stas: stas,
    psn_insu_date: rel.insuDate,
    paus_insu_date: paus,
    cvlserv_flag: rel.cvlservFlag,
    insuplc_admdvs: rel.admdvs,
    emp_name: rel.empName,
  }
  if (rel.admdvs.startsWith('61')) {
    row.crt_year_balc = wireAmount(rel.balanceFen, rel.admdvs)
    row.cal_year_balc = wireAmount(0, rel.admdvs)
  }
  return row
}

/** psn_type of the latest contribution up to `year` in a 参保地 (for relations that ended). */
function lastPsnType(person: SandboxPerson, admdvs: string, year: number): string | undefined {
  return person.contributions.filter(c => c.admdvs === admdvs && c.year <= year).at(-1)?.psnType
}

/** Builds the 1101 output for a person as of a moment. */
export function personInfoOutput(person: SandboxPerson, at: Date): PersonInfoOutput {
  const day = shanghaiDate(at)
  return {
    baseinfo: {
      psn_no: person.psnNo,
      psn_cert_type: '01',
      certno: person.certNo,
      psn_name: person.name,
      gend: person.sex === 'male' ? '1' : '2',
      naty: person.nation,
      brdy: person.birthDate,
      // A deceased person's age stops at death.
      age: ageWithTenths(person.birthDate, person.deathDate && person.deathDate < day ? new Date(`${person.deathDate}T12:00:00+08:00`) : at),
      exp_content: person.deathDate ? JSON.stringify({ die_date: person.deathDate }) : '',
    },
    insuinfo: person.insurance.map(rel => insuRow(person, rel, at)).filter((row): row is InsuInfo => row !== null),
    idetinfo: person.statuses
      .filter(s => s.begin <= day)
      .map(s => ({
        psn_idet_type: s.idetType,
        psn_type_lv: s.level,
        memo: s.memo,
        ...(s.status === 'severe_disability' && {
          dsab_type: s.disabilityKind ? DSAB_TYPE_BY_KIND[s.disabilityKind] : null,
          poor_flag: s.poor ? '1' as const : '0' as const,
        }),
        begntime: `${s.begin} 00:00:00`,
        endtime: s.end === null ? null : `${s.end} 23:59:59`,
      })),
  }
}

/** 1101 人员信息获取. */
export const personInfo1101 = defineTransaction({
  infno: '1101',
  name: '人员信息获取',
  input: PersonInfoInputSchema,
  handle: ({ input, state, now }) => {
    const { residents } = state
    const person = findPerson(input.data, {
      findByCert: residents.findPersonByCertNo,
      findByToken: residents.findPersonByEcToken,
      findByCard: residents.findPersonBySsCardNo,
    })
    const at = input.data.begntime ? parseWireDateTime(input.data.begntime) ?? now : now
    return personInfoOutput(person, at)
  },
  // Missing psn_no/certno, age as text, gend as a number, insuinfo an object, idetinfo absent.
  badShape: ({ baseinfo, insuinfo }) => {
    const { psn_no: _psnNo, certno: _certno, ...rest } = baseinfo
    return { baseinfo: { ...rest, age: `${baseinfo.age}岁`, gend: Number(baseinfo.gend) }, insuinfo: insuinfo[0] ?? {} }
  },
})
