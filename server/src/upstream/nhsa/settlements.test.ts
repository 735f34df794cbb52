import { Writable } from 'node:stream'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { AppError, UpstreamError } from '../../lib/errors'
import { createLogger } from '../../lib/logger'
import { mswServer } from '../../testing/msw'
import { NHSA_TEST_ENDPOINT, NHSA_TEST_URL } from '../../testing/nhsa-handlers'
import { settlementFixture, SLIP_IDS } from '../../testing/settlement-fixtures'
import { createNhsaClient } from './client'
import { SettlementInfoOutputWire, SettlementListOutputWire } from './settlement-schemas'
import { getSettlement, hospitalGrade, listSettlementsOfYear, toBureauSlip } from './settlements'

const logger = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))
const nhsa = createNhsaClient({ baseUrl: NHSA_TEST_URL, timeoutMs: 300, senderCode: 'H37050200001', senderName: '测试', defaultAdmdvs: '370500', logger })
const WANG = '37000000000000000000012345'

function parsed(setlId: string) {
  const out = SettlementInfoOutputWire.parse(settlementFixture(setlId))
  return toBureauSlip(out.setlinfo, out.setldetail)
}

describe('5203 wire → domain', () => {
  it('normalises Guizhou: string amounts to exact fen, inscp_amt and psn_pay to the national names', () => {
    const s = parsed(SLIP_IDS.guizhou2026a)
    expect(s.amounts).toEqual({
      total: 20_000_00,
      outOfList: 2_600_00,
      overLimit: 0,
      preSelfPay: 0,
      inPolicy: 17_400_00,
      deductible: 400_00,
      basic: 13_600_00,
      critical: 0,
      assistance: 2_660_00,
      other: 500_00,
      fundTotal: 16_760_00,
      hospital: 600_00,
      personalBurden: 2_640_00,
      account: 0,
      personalCash: 2_640_00,
    })
    expect(s).toMatchObject({ settledAt: '2026-04-15T16:10:00.000+08:00', admittedAt: '2026-04-08T10:00:00.000+08:00', regionCode: '522601', basicRate: 0.8, sex: 'male' })
    expect(s.hospital).toEqual({ code: 'H52260100021', name: '凯里市第一人民医院', level: 2, grade: '二级甲等' })
    expect(s.details).toHaveLength(6)
  })

  it('normalises Shaanxi: cash_payamt, ownpay_amt and othfund_pay; an unpadded hosp_lv; no 参保地 on the slip', () => {
    const s = parsed(SLIP_IDS.fengxiang2025a)
    expect(s.amounts).toMatchObject({ total: 6_000_00, outOfList: 400_00, inPolicy: 5_600_00, basic: 3_978_00, other: 0, personalCash: 2_022_00, personalBurden: 2_022_00 })
    expect(s.hospital.level).toBe(2)
    expect(s.regionCode).toBeNull()
  })

  it('converts yuan to fen exactly and refuses what is not a 2-decimal amount', () => {
    const base = settlementFixture(SLIP_IDS.dongying2026a)
    const withTotals = (patch: Record<string, unknown>) => SettlementInfoOutputWire.safeParse({ ...base, setlinfo: { ...base.setlinfo, ...patch } })
    const ok = withTotals({ medfee_sumamt: 0.29, hifp_pay: '1234.5', psn_cash_pay: 19.99 })
    expect(ok.success && [ok.data.setlinfo.amounts.total, ok.data.setlinfo.amounts.basic, ok.data.setlinfo.amounts.personalCash]).toEqual([29, 123_450, 1_999])
    expect(withTotals({ medfee_sumamt: 1.005 }).success).toBe(false)
    expect(withTotals({ hifp_pay: '12,345.60' }).success).toBe(false)
    // Neither psn_cash_pay nor cash_payamt: the reply is unusable.
    const { psn_cash_pay: _cash, ...noCash } = base.setlinfo as Record<string, unknown>
    expect(SettlementInfoOutputWire.safeParse({ ...base, setlinfo: noCash }).success).toBe(false)
    // Neither inscp_scp_amt nor inscp_amt.
    const { inscp_scp_amt: _inscp, ...noInscp } = base.setlinfo as Record<string, unknown>
    expect(SettlementInfoOutputWire.safeParse({ ...base, setlinfo: noInscp }).success).toBe(false)
  })

  it('reads hospital grades with or without the leading zero, and gives no level for unknown codes', () => {
    expect([hospitalGrade('02'), hospitalGrade('5'), hospitalGrade('11'), hospitalGrade('14'), hospitalGrade('99'), hospitalGrade(null)]).toEqual([
      { level: 3, grade: '三级甲等' },
      { level: 2, grade: '二级甲等' },
      { level: 1, grade: '一级未评' },
      { level: null, grade: '未定级' },
      { level: null, grade: null },
      { level: null, grade: null },
    ])
  })

  it('parses the 5260 list with counts as text', () => {
    const out = SettlementListOutputWire.parse({ page_num: '1', page_size: '2', record_counts: '3', data: [{ setl_id: 'S', mdtrt_id: 'M', setl_time: '2026-01-02 03:04:05', med_type: 21, fixmedins_name: '医院', medfee_sumamt: '10.00', cash_payamt: 2.5 }] })
    expect(out).toMatchObject({ record_counts: 3, data: [{ setlId: 'S', settledAt: '2026-01-02T03:04:05.000+08:00', medType: '21', total: 1000, personalCash: 250, fundPay: 0 }] })
  })
})

describe('settlement calls', () => {
  it('gets a slip and lists a whole year over pages', async () => {
    const s = await getSettlement(nhsa, WANG, SLIP_IDS.dongying2026b, { admdvs: '370502', logger })
    expect(s.amounts.critical).toBe(1_935_00)
    const year = await listSettlementsOfYear(nhsa, WANG, 2026, { admdvs: '370502', logger })
    expect(year.map(r => r.setlId)).toEqual([SLIP_IDS.dongying2026c, SLIP_IDS.dongying2026b, SLIP_IDS.dongying2026a])
  })

  it('answers 404 for another person\'s settlement, and also when the bureau returns someone else\'s', async () => {
    await expect(getSettlement(nhsa, WANG, SLIP_IDS.guizhou2026a, { admdvs: '370502', logger })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 })
    mswServer.use(http.post(NHSA_TEST_ENDPOINT, () => HttpResponse.json({ infcode: 0, output: settlementFixture(SLIP_IDS.guizhou2026a) })))
    const err = await getSettlement(nhsa, WANG, SLIP_IDS.guizhou2026a, { admdvs: '370502', logger }).catch(e => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('turns other refusals into a rejected upstream error, never a 404', async () => {
    mswServer.use(http.post(NHSA_TEST_ENDPOINT, () => HttpResponse.json({ infcode: -1, err_msg: '系统维护中', output: null })))
    const err = await getSettlement(nhsa, WANG, SLIP_IDS.dongying2026a, { admdvs: '370502', logger }).catch(e => e)
    expect(err).toBeInstanceOf(UpstreamError)
    expect(err).toMatchObject({ kind: 'rejected' })
  })
})
