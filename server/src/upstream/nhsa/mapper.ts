import type { DisabilityFacts } from '@yibao/shared'
import type { Person } from '../../domain/person'
import type { NhsaEnvelope, PersonInfoOutput } from './schemas'
import { idCardFacts, isValidIdCard } from '@yibao/shared'
import { UpstreamError } from '../../lib/errors'
import { DSAB_TYPES, enrolmentStatusFromCode, IDET_TYPES, personCategoryFromPsnType } from './dictionaries'

/** Bureau messages that mean "no such person" rather than a failure of the system. */
const PERSON_NOT_FOUND = /未查询到|不存在该人员|无此人|人员信息不存在|不匹配/

/** A failed envelope (`infcode` ≠ 0) → `UpstreamError('rejected')`, keeping the bureau's text for the log only. */
export function envelopeError(env: NhsaEnvelope, infno: string): UpstreamError {
  return new UpstreamError('nhsa', 'rejected', { upstreamCode: `${infno}:${env.infcode}`, upstreamMessage: env.err_msg ?? undefined })
}

export function isPersonNotFound(env: NhsaEnvelope): boolean {
  return env.infcode !== 0 && PERSON_NOT_FOUND.test(env.err_msg ?? '')
}

/** Kind, grade and 贫困标志 of a 重度残疾人 row; `null` when the bureau did not give a known kind and grade 1–4. */
function disabilityOf(idet: PersonInfoOutput['idetinfo'][number]): DisabilityFacts | null {
  const kind = DSAB_TYPES[idet.dsab_type ?? '']
  const grade = Number(idet.psn_type_lv)
  if (!kind || !(grade === 1 || grade === 2 || grade === 3 || grade === 4)) return null
  return { kind, grade, poor: idet.poor_flag === '1' }
}

/** 1101 output → domain `Person`. */
export function toPerson(out: PersonInfoOutput): Person {
  const b = out.baseinfo
  const facts = isValidIdCard(b.certno) ? idCardFacts(b.certno) : null
  const sex = b.gend === '1' ? 'male' : b.gend === '2' ? 'female' : 'unknown'
  const statuses: Person['statuses'] = []
  for (const idet of out.idetinfo) {
    const status = IDET_TYPES[idet.psn_idet_type]
    if (status && !statuses.some(s => s.status === status)) {
      statuses.push({
        status,
        since: idet.begntime?.slice(0, 10) ?? null,
        until: idet.endtime?.slice(0, 10) ?? null,
        ...(status === 'severe_disability' && { disability: disabilityOf(idet) }),
      })
    }
  }
  const enrolments = out.insuinfo.map(i => ({
    insuranceType: i.insutype,
    category: personCategoryFromPsnType(i.psn_type),
    status: enrolmentStatusFromCode(i.psn_insu_stas),
    since: i.psn_insu_date?.slice(0, 10) ?? null,
    pausedOn: i.paus_insu_date?.slice(0, 10) ?? null,
    regionCode: i.insuplc_admdvs,
    balance: i.balc,
    unitName: i.emp_name,
  }))
  return {
    psnNo: b.psn_no,
    certNo: b.certno.toUpperCase(),
    name: b.psn_name,
    sex,
    birthDate: b.brdy?.slice(0, 10) ?? facts?.birthDate ?? null,
    regionCode: enrolments[0]?.regionCode ?? facts?.regionCode ?? '',
    enrolments,
    statuses,
  }
}
