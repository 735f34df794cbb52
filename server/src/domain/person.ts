import type { DisabilityFacts, EnrolmentStatus, PersonCategory, PersonProfile, SpecialStatus } from '@yibao/shared'
import {
  ageOn,
  ENROLMENT_STATUS_LABELS,
  INSURANCE_TYPE_LABELS,
  maskIdCard,
  maskName,
  PERSON_CATEGORY_LABELS,
  SPECIAL_STATUS_LABELS,
} from '@yibao/shared'

/** A person as the bureau knows them (full identifiers: stays inside the BFF). */
export interface Person {
  /** Bureau person number (人员编号). */
  psnNo: string
  certNo: string
  name: string
  sex: 'male' | 'female' | 'unknown'
  birthDate: string | null
  regionCode: string
  enrolments: PersonEnrolment[]
  statuses: PersonStatus[]
}

/** A special status with its validity (`YYYY-MM-DD` or `null`). */
export interface PersonStatus {
  status: SpecialStatus
  since: string | null
  until: string | null
  /** 重度残疾人: kind, grade and 贫困标志 from the bureau's record; `null` when it gave no kind or grade. */
  disability?: DisabilityFacts | null
}

/** The facts of the severe_disability status in force on `day` (`YYYY-MM-DD`), or `null`. */
export function disabilityOn(statuses: readonly PersonStatus[], day: string): DisabilityFacts | null {
  const inForce = (x: PersonStatus) => (x.since === null || x.since <= day) && (x.until === null || x.until >= day)
  const s = statuses.find(x => x.status === 'severe_disability' && inForce(x))
  return s?.disability ?? null
}

export interface PersonEnrolment {
  insuranceType: string
  category: PersonCategory
  status: EnrolmentStatus
  since: string | null
  pausedOn: string | null
  regionCode: string
  /** fen */
  balance: number
  unitName: string | null
}

/** The masked view any client may see. */
export function toProfileView(person: Person, now: Date): PersonProfile {
  return {
    name: maskName(person.name),
    certNo: maskIdCard(person.certNo),
    sex: person.sex,
    birthDate: person.birthDate,
    age: person.birthDate ? ageOn(person.birthDate, now) : null,
    regionCode: person.regionCode,
    enrolments: person.enrolments.map(e => ({
      ...e,
      insuranceTypeLabel: INSURANCE_TYPE_LABELS[e.insuranceType] ?? `其他险种（${e.insuranceType}）`,
      categoryLabel: PERSON_CATEGORY_LABELS[e.category],
      statusLabel: ENROLMENT_STATUS_LABELS[e.status],
      unitName: e.unitName,
    })),
    statuses: person.statuses.map(({ status, since, until }) =>
      ({ status, since, until, label: SPECIAL_STATUS_LABELS[status] })),
  }
}
