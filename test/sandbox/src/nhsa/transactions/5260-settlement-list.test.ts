import { describe, expect, it } from 'vitest'
import { createSandbox } from '../../app'
import { buildNhsaRequest, postNhsa } from '../../testing'

const NOW = new Date('2026-11-22T04:00:00Z')

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reply bodies are checked with toMatchObject
async function list(data: Record<string, unknown>, admdvs = '522732', now = NOW, headers: Record<string, string> = {}): Promise<any> {
  const { app, state } = createSandbox({ now: () => now })
  const person = state.residents.listHousehold('522732000101').find(p => p.name === '韦秀珍')!
  return (await postNhsa(app, buildNhsaRequest('5260', { data: { psn_no: person.psnNo, ...data } }, { insuplc_admdvs: admdvs }), { headers })).json()
}

describe('5260 结算记录查询 (local extension)', () => {
  it('lists a person\'s settlements newest first, by settlement date, with Guizhou string amounts', async () => {
    const body = await list({ begndate: '2025-01-01', enddate: '2025-12-31' })
    expect(body.infcode).toBe(0)
    expect(body.output).toMatchObject({ page_num: 1, page_size: 20, record_counts: 3, pages: 1 })
    const rows = body.output.data
    expect(rows.map((r: { fixmedins_name: string }) => r.fixmedins_name)).toEqual(['三都县周覃镇卫生院', '黔南州人民医院', '三都水族自治县人民医院'])
    expect(rows[2]).toMatchObject({ medfee_sumamt: '12345.60', fund_pay_sumamt: '10098.86', psn_cash_pay: '1981.30', setl_time: expect.stringMatching(/^2025-03-18 /), hosp_lv: '05', med_type: '21' })
  })

  it('pages with page_num / page_size and keeps the total', async () => {
    const first = await list({ page_num: 1, page_size: 2 })
    const second = await list({ page_num: '2', page_size: '2' })
    expect(first.output).toMatchObject({ record_counts: 3, pages: 2 })
    expect(first.output.data).toHaveLength(2)
    expect(second.output.data).toHaveLength(1)
    expect(second.output.data[0].medfee_sumamt).toBe('12345.60')
  })

  it('lists nothing for a year without stays, and nothing settled after "now"', async () => {
    expect((await list({ begndate: '2026-01-01', enddate: '2026-12-31' })).output).toMatchObject({ record_counts: 0, pages: 0, data: [] })
    const early = await list({}, '522732', new Date('2025-06-01T00:00:00Z'))
    expect(early.output.record_counts).toBe(1)
  })

  it('refuses a bad page size, a malformed date and a wrong 参保地', async () => {
    expect(await list({ page_size: 500 })).toMatchObject({ infcode: -1, err_msg: '输入参数校验失败：每页条数[page_size]不能大于100' })
    expect(await list({ begndate: '2025/01/01' })).toMatchObject({ infcode: -1, err_msg: '输入参数校验失败：开始日期[begndate]格式错误，应为yyyy-MM-dd' })
    expect(await list({}, '370502')).toMatchObject({ infcode: -1, err_msg: '参保地医保区划[insuplc_admdvs]与人员参保地不一致' })
  })

  it('keeps fault injection working: bad-shape sends one object instead of the list', async () => {
    const body = await list({}, '522732', NOW, { 'X-Sandbox-Fault': 'bad-shape' })
    expect(Array.isArray(body.output.data)).toBe(false)
    expect(body.output.record_counts).toBe('3条')
  })
})
