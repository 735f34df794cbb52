import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { FIXTURE_CERT_NOS } from '../../seed/fixtures'
import { buildNhsaRequest, postNhsa } from '../../testing'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire replies are checked with toMatchObject/toEqual below
type Json = any

async function call(certNo: string, now = new Date('2026-11-22T04:00:00Z')) {
  const { app, state } = createSandbox({ now: () => now })
  const person = state.residents.findPersonByCertNo(certNo)!
  const res = await postNhsa(app, buildNhsaRequest('5301', { data: { psn_no: person.psnNo } }, { insuplc_admdvs: person.insurance[0]!.admdvs }))
  return res.json() as Promise<Json>
}

describe('5301 人员慢特病备案查询', () => {
  it('lists the demo mother\'s hypertension (两病) filing with an open end', async () => {
    expect(await call(FIXTURE_CERT_NOS.demoParent)).toMatchObject({
      infcode: 0,
      output: { feedetail: [{ opsp_dise_code: 'M03900', opsp_dise_name: '高血压（两病）', begndate: '2019-03-01', enddate: null }] },
    })
  })

  it('sends Guizhou dates with a time, and keeps ended filings', async () => {
    expect((await call(FIXTURE_CERT_NOS.guizhouPoverty)).output.feedetail).toEqual([
      { opsp_dise_code: 'M01600', opsp_dise_name: '糖尿病（两病）', begndate: '2021-06-10 00:00:00', enddate: null },
    ])
    expect((await call(FIXTURE_CERT_NOS.deceased)).output.feedetail).toEqual([
      { opsp_dise_code: 'M03900', opsp_dise_name: '高血压（两病）', begndate: '2016-05-01', enddate: '2025-11-20' },
    ])
  })

  it('lists two filings for 赵有福 and none for a child or before a filing began', async () => {
    expect((await call(FIXTURE_CERT_NOS.fengxiangExtremePoverty)).output.feedetail.map((f: { opsp_dise_code: string }) => f.opsp_dise_code)).toEqual(['M04500', 'M03900'])
    expect((await call(FIXTURE_CERT_NOS.demoChild)).output.feedetail).toEqual([])
    expect((await call(FIXTURE_CERT_NOS.guizhouPoverty, new Date('2021-01-01T04:00:00Z'))).output.feedetail).toEqual([])
  })
})
