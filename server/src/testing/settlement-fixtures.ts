import type { SettlementInfoOutputInput, SettlementListOutputInput } from '../upstream/nhsa/settlement-schemas'
import { SettlementInfoOutputWire, SettlementListOutputWire } from '../upstream/nhsa/settlement-schemas'
import dongying2025a from './fixtures/5203-dongying-2025-a.json' with { type: 'json' }
import dongying2026a from './fixtures/5203-dongying-2026-a.json' with { type: 'json' }
import dongying2026b from './fixtures/5203-dongying-2026-b.json' with { type: 'json' }
import dongying2026c from './fixtures/5203-dongying-2026-c.json' with { type: 'json' }
import dongyingChild2026a from './fixtures/5203-dongying-child-2026-a.json' with { type: 'json' }
import fengxiang2025a from './fixtures/5203-fengxiang-2025-a.json' with { type: 'json' }
import guizhou2026a from './fixtures/5203-guizhou-2026-a.json' with { type: 'json' }

/**
 * 5203 replies for the 1101 fixture people, in the wire formats with their provincial drift, each
 * checked against the adapter's schema when loaded; the 5260 list is built from them.
 *
 * - 王桂兰 (东营, ordinary): 2025-a (level 2, 8 000 元); 2026-a (level 3, 50 000 元 with 5 000 out of the
 *   list → basic 26 400, 大病 1 560); 2026-b (level 2, 12 000 / 600 → basic 8 175, 大病 1 935 carried
 *   over the 2026-a burden); 2026-c (level 1, 3 000 元) — **a discrepancy**: the slip takes the level-2
 *   deductible 500 instead of 200, so basic pays 2 125 instead of 2 380 and the person 255 元 more.
 * - 刘思雨 (东营, 王桂兰's granddaughter, student): 2026-a, level 2, 4 000 元 (basic 2 475) — read through 亲情账户.
 * - 杨光荣 (凯里, 建档立卡 + 低保): 2026-a, Guizhou drift (strings, `inscp_amt`, `psn_pay`), 医院减免 600,
 *   assistance split over 610100 ×2 + 610102, and 500 元 from the unknown fund code 529901 (oth_pay).
 * - 赵小雨 (凤翔, student): 2025-a, Shaanxi drift (`cash_payamt`, `ownpay_amt`, `othfund_pay`), hosp_lv
 *   `"5"` unpadded, no insuplc_admdvs (the person's 参保地 decides the policy).
 */
export const SETTLEMENT_FIXTURES: readonly SettlementInfoOutputInput[] = [dongying2025a, dongying2026a, dongying2026b, dongying2026c, dongyingChild2026a, guizhou2026a, fengxiang2025a].map((f) => {
  SettlementInfoOutputWire.parse(f)
  return f as SettlementInfoOutputInput
})

/** Fixture by setl_id. */
export function settlementFixture(setlId: string): SettlementInfoOutputInput {
  const found = SETTLEMENT_FIXTURES.find(f => f.setlinfo.setl_id === setlId)
  if (!found) throw new Error(`no settlement fixture ${setlId}`)
  return found
}

/** setl_ids of the fixtures, by story. */
export const SLIP_IDS = {
  dongying2025a: dongying2025a.setlinfo.setl_id,
  dongying2026a: dongying2026a.setlinfo.setl_id,
  dongying2026b: dongying2026b.setlinfo.setl_id,
  dongying2026c: dongying2026c.setlinfo.setl_id,
  dongyingChild2026a: dongyingChild2026a.setlinfo.setl_id,
  guizhou2026a: guizhou2026a.setlinfo.setl_id,
  fengxiang2025a: fengxiang2025a.setlinfo.setl_id,
} as const

/** A 5260 row from a 5203 fixture, keeping its field-name drift. */
function row(f: SettlementInfoOutputInput): Record<string, unknown> {
  const s = f.setlinfo as Record<string, unknown>
  const keep = ['setl_id', 'mdtrt_id', 'psn_no', 'setl_time', 'med_type', 'insutype', 'fixmedins_code', 'fixmedins_name', 'hosp_lv', 'begntime', 'endtime', 'medfee_sumamt', 'fund_pay_sumamt', 'psn_cash_pay', 'cash_payamt']
  return Object.fromEntries(keep.filter(k => k in s).map(k => [k, s[k]]))
}

interface Reply { infcode: number, output: unknown, errMsg: string | null }

/**
 * What the platform answers to 5203 and 5260 for the fixtures: unknown people, other people's
 * settlements and bad pages are refused with the platform's wording.
 */
export function settlementTransaction(infno: '5203' | '5260', data: Record<string, unknown> | undefined): Reply {
  const psnNo = typeof data?.psn_no === 'string' ? data.psn_no : ''
  const mine = SETTLEMENT_FIXTURES.filter(f => f.setlinfo.psn_no === psnNo)
  if (infno === '5203') {
    const f = SETTLEMENT_FIXTURES.find(x => x.setlinfo.setl_id === data?.setl_id)
    if (!f || f.setlinfo.psn_no !== psnNo) return { infcode: -1, output: null, errMsg: '未查询到结算信息' }
    if (data?.mdtrt_id && data.mdtrt_id !== f.setlinfo.mdtrt_id) return { infcode: -1, output: null, errMsg: '就诊ID[mdtrt_id]与结算ID[setl_id]不匹配' }
    return { infcode: 0, output: f, errMsg: null }
  }
  const pageNum = Number(data?.page_num ?? 1)
  const pageSize = Number(data?.page_size ?? 20)
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return { infcode: -1, output: null, errMsg: '输入参数校验失败：每页条数[page_size]不能大于100' }
  const from = String(data?.begndate ?? '0000-00-00')
  const to = String(data?.enddate ?? '9999-99-99')
  const rows = mine
    .filter((f) => {
      const day = f.setlinfo.setl_time.slice(0, 10)
      return day >= from && day <= to
    })
    .sort((a, b) => b.setlinfo.setl_time.localeCompare(a.setlinfo.setl_time))
  const output: SettlementListOutputInput = {
    page_num: pageNum,
    page_size: pageSize,
    record_counts: rows.length,
    pages: Math.ceil(rows.length / pageSize),
    data: rows.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(row) as SettlementListOutputInput['data'],
  }
  SettlementListOutputWire.parse(output)
  return { infcode: 0, output, errMsg: null }
}
