import type { ChronicFilingOutputInput, CumulativeInfoOutputInput } from '../upstream/nhsa/coverage-schemas'
import type { TaxQueryReplyInput } from '../upstream/tax/schemas'
import { ChronicFilingOutputWire, CumulativeInfoOutputWire } from '../upstream/nhsa/coverage-schemas'
import { TaxQueryReplyWire } from '../upstream/tax/schemas'
import dongyingAdult from './fixtures/1101-dongying-adult.json' with { type: 'json' }
import dongyingChild from './fixtures/1101-dongying-child.json' with { type: 'json' }
import fengxiangChild from './fixtures/1101-fengxiang-child.json' with { type: 'json' }
import guizhouPoverty from './fixtures/1101-guizhou-poverty.json' with { type: 'json' }

/**
 * Replies of the coverage transactions (5206, 5301) and of the tax bureau's contribution query for the
 * 1101 fixture people, in the wire formats with their provincial quirks. Each is checked against the
 * adapter's own schema when loaded, so a mock cannot drift from what the adapter accepts.
 */

function checked<T>(schema: { parse: (v: unknown) => unknown }, value: T): T {
  schema.parse(value)
  return value
}

/** 5206 output by psn_no. 王桂兰 had one stay (yuan numbers); 杨光荣 two (Guizhou strings); 刘思雨 sends no node. */
export const CUMULATIVE_FIXTURES: Record<string, CumulativeInfoOutputInput> = {
  [dongyingAdult.baseinfo.psn_no]: checked(CumulativeInfoOutputWire, {
    cuminfo: [
      { insutype: '390', year: '2026', cum_type_code: 'D390101', cum: 8066.29 },
      { insutype: '390', year: '2026', cum_type_code: 'F0000_BIZ2101', cum: 10310.1 },
      { insutype: '390', year: '2026', cum_type_code: 'Q390201', cum: 2243.81 },
      { insutype: '390', year: '2026', cum_type_code: 'C0000_BIZ21', cum: 1 },
      // Last year's and another 险种's rows must not count.
      { insutype: '390', year: '2025', cum_type_code: 'D390101', cum: 999.99 },
      { insutype: '392', year: '2026', cum_type_code: 'D390201', cum: 55.5 },
    ],
  }),
  [guizhouPoverty.baseinfo.psn_no]: checked(CumulativeInfoOutputWire, {
    cuminfo: [
      { insutype: '390', year: 2026, cum_type_code: 'D390101', cum: '30000.00' },
      { insutype: '390', year: 2026, cum_type_code: 'D390201', cum: '1234.50' },
      { insutype: '390', year: 2026, cum_type_code: 'D610101', cum: '5000.29' },
      { insutype: '390', year: 2026, cum_type_code: 'F0000_BIZ2101', cum: '45000.07' },
      { insutype: '390', year: 2026, cum_type_code: 'Q390201', cum: '9000.00' },
      { insutype: '390', year: 2026, cum_type_code: 'C0000_BIZ21', cum: '2' },
    ],
  }),
  [dongyingChild.baseinfo.psn_no]: checked(CumulativeInfoOutputWire, {}),
  [fengxiangChild.baseinfo.psn_no]: checked(CumulativeInfoOutputWire, {
    cuminfo: [{ insutype: '390', cum_year: '2026', cum_type: 'F0000_BIZ2101', cum_amt: 0.29 }],
  }),
}

/** 5301 output by psn_no. */
export const CHRONIC_FIXTURES: Record<string, ChronicFilingOutputInput> = {
  [dongyingAdult.baseinfo.psn_no]: checked(ChronicFilingOutputWire, {
    feedetail: [
      { opsp_dise_code: 'M03900', opsp_dise_name: '高血压（两病）', begndate: '2019-03-01', enddate: null },
      { opsp_dise_code: 'M04500', opsp_dise_name: '慢性阻塞性肺疾病', begndate: '2020-01-01', enddate: '2025-12-31' },
    ],
  }),
  [guizhouPoverty.baseinfo.psn_no]: checked(ChronicFilingOutputWire, {
    feedetail: [{ opsp_dise_code: 'M01600', opsp_dise_name: '糖尿病（两病）', begndate: '2021-06-10 00:00:00', enddate: '' }],
  }),
  [dongyingChild.baseinfo.psn_no]: checked(ChronicFilingOutputWire, { feedetail: [] }),
  [fengxiangChild.baseinfo.psn_no]: checked(ChronicFilingOutputWire, { feedetail: null }),
}

const row = (jfnd: string, cbdq: string, jfrylb: string, jfzt: '0' | '1', jfje: string, jfrq = '', jfqd = '') =>
  ({ jfnd, xzdm: '390', cbdq, jfrylb, jfzt, jfje, jfrq, jfqd, pzhm: jfzt === '1' ? `${cbdq}${jfnd}00000001` : '' })

/** Tax bureau replies by ID number. */
export const TAX_FIXTURES: Record<string, TaxQueryReplyInput> = {
  // Paid every year in the concentrated period; 2027 still due.
  [dongyingAdult.baseinfo.certno]: checked(TaxQueryReplyWire, {
    fhdm: '0000',
    fhxx: '查询成功',
    jfxx: [
      row('2024', '370502', '1501', '1', '400.00', '2023-10-12 09:00:00', '01'),
      row('2025', '370502', '1501', '1', '400.00', '2024-11-03 10:00:00', '02'),
      row('2026', '370502', '1501', '1', '400.00', '2025-12-20 19:30:00', '01'),
      row('2027', '370502', '1501', '0', '400.00'),
    ],
  }),
  // 2025 unpaid (a gap), 2026 paid late in April (→ waiting period), 2027 already paid.
  [dongyingChild.baseinfo.certno]: checked(TaxQueryReplyWire, {
    fhdm: '0000',
    fhxx: '查询成功',
    jfxx: [
      row('2024', '370502', '1403', '1', '300.00', '2023-09-20 08:00:00', '01'),
      row('2025', '370502', '1403', '0', '300.00'),
      row('2026', '370502', '1403', '1', '300.00', '2026-04-15 09:20:00', '01'),
      row('2027', '370502', '1403', '1', '300.00', '2026-10-20 08:00:00', '03'),
    ],
  }),
  // Finance pays (财政代缴): 0.00 every year, 2027 included.
  [guizhouPoverty.baseinfo.certno]: checked(TaxQueryReplyWire, {
    fhdm: '0000',
    fhxx: '查询成功',
    jfxx: [
      { ...row('2026', '522601', '1560', '1', '0.00', '2025-12-10 10:00:00', '05'), jfnd: 2026 },
      row('2027', '522601', '1560', '1', '0.00', '2026-09-15 10:00:00', '05'),
    ],
  }),
  // No record at the tax bureau (1001).
  [fengxiangChild.baseinfo.certno]: checked(TaxQueryReplyWire, { fhdm: '1001', fhxx: '未查询到缴费人登记信息', jfxx: [] }),
}

/** A 5206/5301 call of the fixtures: the envelope's infcode, output and err_msg. */
export function coverageTransaction(infno: string, admdvs: string | undefined, psnNo: string | undefined): { infcode: number, output: unknown, errMsg: string | null } {
  if (!admdvs) return { infcode: -1, output: null, errMsg: '参保地医保区划[insuplc_admdvs]不能为空' }
  const table = infno === '5206' ? CUMULATIVE_FIXTURES : CHRONIC_FIXTURES
  const output = psnNo ? table[psnNo] : undefined
  if (output === undefined) return { infcode: -1, output: null, errMsg: '未查询到人员信息' }
  return { infcode: 0, output, errMsg: null }
}
