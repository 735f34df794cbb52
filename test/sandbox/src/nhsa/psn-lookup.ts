import type { SandboxPerson } from '../seed/model'
import type { NhsaRequest } from './envelope'
import type { SandboxState } from '../state'
import { NhsaFailure } from './registry'

/**
 * The person of a psn_no-keyed query (5206, 5301…), checked against the envelope's 参保地: the platform
 * routes such calls by `insuplc_admdvs`, so a wrong 区划 finds nobody.
 */
export function personByPsnNo(state: SandboxState, envelope: NhsaRequest, psnNo: string): SandboxPerson {
  const person = state.residents.findPersonByPsnNo(psnNo)
  if (!person) throw new NhsaFailure('未查询到人员信息')
  const admdvs = envelope.insuplc_admdvs ?? ''
  if (!person.insurance.some(r => r.admdvs === admdvs)) throw new NhsaFailure('参保地医保区划[insuplc_admdvs]与人员参保地不一致')
  return person
}
