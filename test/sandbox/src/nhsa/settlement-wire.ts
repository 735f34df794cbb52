import type { SandboxPerson } from '../seed/model'
import type { SandboxSettlement } from '../seed/settlements'
import type { WireAmount } from './transactions/1101-person-info'
import { parseWireDateTime } from '../lib/wire-time'
import { ageWithTenths, wireAmount } from './transactions/1101-person-info'

/**
 * Wire form of a settlement (nhsa-interface.md §2.3), shared by 5203 结算信息查询 and the 5260 list.
 *
 * Field-name drift the sandbox reproduces on purpose, by the settlement's 参保地 (the BFF must normalise it):
 * - **Shandong (37)**: the names of Output_2207 (`psn_cash_pay`, `fulamt_ownpay_amt`, `inscp_scp_amt`,
 *   `psn_part_amt`, `oth_pay`); amounts are JSON numbers in yuan.
 * - **Shaanxi (61)**: `cash_payamt` for `psn_cash_pay`, `ownpay_amt` for `fulamt_ownpay_amt`, `othfund_pay`
 *   for `oth_pay`; amounts are numbers.
 * - **Guizhou (52)**: `inscp_amt` for `inscp_scp_amt`, `psn_pay` for `psn_part_amt`; every amount (and
 *   `pool_prop_selfpay`) is a 2-decimal (4 for the ratio) **string**.
 *
 * Local additions to `setlinfo` (not in Output_2207; borrowed from 5201 mdtrtinfo and 1201): `insuplc_admdvs`,
 * `fixmedins_code`, `fixmedins_name`, `hosp_lv` (see seed/hospitals.ts), `begntime`/`endtime`
 * (admission/discharge, yyyy-MM-dd HH:mm:ss), `dise_codg`/`dise_name` (main discharge diagnosis).
 */

type Region = 'shandong' | 'shaanxi' | 'guizhou'

function regionOf(admdvs: string): Region {
  return admdvs.startsWith('61') ? 'shaanxi' : admdvs.startsWith('52') ? 'guizhou' : 'shandong'
}

/** Names of the drifting fields per region. */
const NAMES: Record<Region, { cash: string, ownpay: string, inscp: string, psnPart: string, oth: string }> = {
  shandong: { cash: 'psn_cash_pay', ownpay: 'fulamt_ownpay_amt', inscp: 'inscp_scp_amt', psnPart: 'psn_part_amt', oth: 'oth_pay' },
  shaanxi: { cash: 'cash_payamt', ownpay: 'ownpay_amt', inscp: 'inscp_scp_amt', psnPart: 'psn_part_amt', oth: 'othfund_pay' },
  guizhou: { cash: 'psn_cash_pay', ownpay: 'fulamt_ownpay_amt', inscp: 'inscp_amt', psnPart: 'psn_pay', oth: 'oth_pay' },
}

/** The ratio `pool_prop_selfpay` (NUMBER(5,4)): a number, or a 4-decimal string in Guizhou. */
function wireRatio(rate: number, admdvs: string): number | string {
  return admdvs.startsWith('52') ? rate.toFixed(4) : Math.round(rate * 10000) / 10000
}

/** psn_type of the settlement's year. */
function psnTypeIn(person: SandboxPerson, year: number): string {
  return person.contributions.find(c => c.year === year && c.admdvs === person.countyCode)?.psnType ?? person.psnType
}

/** `setlinfo` of 5203. */
export function setlInfo(s: SandboxSettlement, person: SandboxPerson): Record<string, unknown> {
  const a = (fen: number): WireAmount => wireAmount(fen, s.admdvs)
  const n = NAMES[regionOf(s.admdvs)]
  const b = s.bureau
  const fundSum = b.basic + b.critical + b.assistance + b.other
  const settled = parseWireDateTime(s.settledAt)!
  return {
    mdtrt_id: s.mdtrtId,
    setl_id: s.setlId,
    psn_no: s.psnNo,
    psn_name: person.name,
    psn_cert_type: '01',
    certno: person.certNo,
    gend: person.sex === 'male' ? '1' : '2',
    naty: person.nation,
    brdy: person.birthDate,
    age: ageWithTenths(person.birthDate, settled),
    insutype: '390',
    psn_type: psnTypeIn(person, Number(s.settledAt.slice(0, 4))),
    cvlserv_flag: '0',
    setl_time: s.settledAt,
    mdtrt_cert_type: '02',
    med_type: s.medType,
    medfee_sumamt: a(s.total),
    [n.ownpay]: a(s.outOfList),
    overlmt_selfpay: a(0),
    preselfpay_amt: a(0),
    [n.inscp]: a(s.total - s.outOfList),
    act_pay_dedc: a(b.deductible),
    hifp_pay: a(b.basic),
    pool_prop_selfpay: wireRatio(s.basicRate, s.admdvs),
    cvlserv_pay: a(0),
    hifes_pay: a(0),
    hifmi_pay: a(b.critical),
    hifob_pay: a(0),
    maf_pay: a(b.assistance),
    [n.oth]: a(b.other),
    fund_pay_sumamt: a(fundSum),
    [n.psnPart]: a(b.personal),
    acct_pay: a(0),
    [n.cash]: a(b.personal),
    hosp_part_amt: a(b.hospital),
    balc: a(0),
    acct_mulaid_pay: a(0),
    medins_setl_id: `${s.hospital.code}${s.settledAt.replace(/\D/g, '')}0001`,
    clr_optins: s.admdvs,
    clr_way: '1',
    clr_type: '21',
    insuplc_admdvs: s.admdvs,
    fixmedins_code: s.hospital.code,
    fixmedins_name: s.hospital.name,
    hosp_lv: s.hospital.hospLv,
    begntime: s.admittedAt,
    endtime: s.dischargedAt,
    dise_codg: s.diagnosis.code,
    dise_name: s.diagnosis.name,
  }
}

/** `setldetail[]` of 5203. */
export function setlDetail(s: SandboxSettlement): Record<string, unknown>[] {
  const a = (fen: number): WireAmount => wireAmount(fen, s.admdvs)
  return s.details.map(line => ({
    fund_pay_type: line.code,
    inscp_scp_amt: a(s.total - s.outOfList),
    crt_payb_lmt_amt: a(line.amount),
    fund_payamt: a(line.amount),
    fund_pay_type_name: line.name,
    setl_proc_info: '',
  }))
}

/** One row of the 5260 list. */
export function settlementRow(s: SandboxSettlement): Record<string, unknown> {
  const a = (fen: number): WireAmount => wireAmount(fen, s.admdvs)
  const n = NAMES[regionOf(s.admdvs)]
  const b = s.bureau
  return {
    setl_id: s.setlId,
    mdtrt_id: s.mdtrtId,
    psn_no: s.psnNo,
    setl_time: s.settledAt,
    med_type: s.medType,
    insutype: '390',
    fixmedins_code: s.hospital.code,
    fixmedins_name: s.hospital.name,
    hosp_lv: s.hospital.hospLv,
    begntime: s.admittedAt,
    endtime: s.dischargedAt,
    medfee_sumamt: a(s.total),
    fund_pay_sumamt: a(b.basic + b.critical + b.assistance + b.other),
    [n.cash]: a(b.personal),
  }
}
