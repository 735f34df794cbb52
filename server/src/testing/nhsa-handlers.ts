import type { PersonInfoOutputInput } from '../upstream/nhsa/schemas'
import { http, HttpResponse } from 'msw'
import { NHSA_CALL_PATH } from '../upstream/nhsa/client'
import { PersonInfoOutputWire } from '../upstream/nhsa/schemas'
import { coverageTransaction } from './coverage-fixtures'
import { settlementTransaction } from './settlement-fixtures'
import dongyingAdult from './fixtures/1101-dongying-adult.json' with { type: 'json' }
import dongyingChild from './fixtures/1101-dongying-child.json' with { type: 'json' }
import fengxiangChild from './fixtures/1101-fengxiang-child.json' with { type: 'json' }
import guizhouPoverty from './fixtures/1101-guizhou-poverty.json' with { type: 'json' }

/** Base URL the tests point the NHSA adapter at; MSW answers it at the network edge. */
export const NHSA_TEST_URL = 'http://nhsa.test'
export const NHSA_TEST_ENDPOINT = `${NHSA_TEST_URL}${NHSA_CALL_PATH}`

/** Fixtures of 1101 replies, each checked against the adapter's own wire schema when loaded. */
export const PERSON_FIXTURES: Record<string, PersonInfoOutputInput> = Object.fromEntries(
  [dongyingAdult, dongyingChild, guizhouPoverty, fengxiangChild].map((f) => {
    PersonInfoOutputWire.parse(f)
    return [f.baseinfo.certno, f as PersonInfoOutputInput]
  }),
)

export const DONGYING_ADULT = dongyingAdult.baseinfo
export const GUIZHOU_POVERTY = guizhouPoverty.baseinfo
export const FENGXIANG_CHILD = fengxiangChild.baseinfo
export const DONGYING_CHILD = dongyingChild.baseinfo

/**
 * The household register as 1160 answers it: `a|b` → relation of b to a (GB/T 4761 group).
 * 王桂兰 and 刘思雨 (her granddaughter) share a household; everyone else is unrelated.
 */
export const HOUSEHOLD_RELATIONS: Record<string, string> = {
  [`${dongyingAdult.baseinfo.certno}|${dongyingChild.baseinfo.certno}`]: '40',
  [`${dongyingChild.baseinfo.certno}|${dongyingAdult.baseinfo.certno}`]: '60',
}

/** The platform's reply envelope around a transaction's output (infcode 0) or refusal (-1 with err_msg). */
export function envelope(infcode: number, output: unknown, errMsg: string | null = null) {
  return { infcode, inf_refmsgid: '370500202611221200000000000001', refmsg_time: '20261122120000000', respond_time: '20261122120000010', err_msg: errMsg, output }
}

/** Happy paths of the national platform; error states are added per test with `server.use`. */
export const nhsaHandlers = [
  http.post(NHSA_TEST_ENDPOINT, async ({ request }) => {
    const body = await request.json() as { infno?: string, msgid?: string, input?: { data?: { certno?: string, psn_name?: string } } }
    // Check what the adapter sends, as the real platform would.
    if (typeof body.msgid !== 'string' || body.msgid.length !== 30)
      return HttpResponse.json(envelope(-1, null, '报文ID格式错误'))
    if (body.infno === '1160') {
      const data = (body.input as { data?: { certno?: string, certno_member?: string } } | undefined)?.data
      const a = data?.certno ?? ''
      const b = data?.certno_member ?? ''
      if (!PERSON_FIXTURES[a] || !PERSON_FIXTURES[b]) return HttpResponse.json(envelope(-1, null, '未查询到人员户籍信息'))
      const rlts = HOUSEHOLD_RELATIONS[`${a}|${b}`]
      return HttpResponse.json(envelope(0, { same_hshd: rlts ? '1' : '0', rlts: rlts ?? '99', rlts_name: null }))
    }
    if (body.infno === '5206' || body.infno === '5301') {
      const r = coverageTransaction(body.infno, (body as { insuplc_admdvs?: string }).insuplc_admdvs, (body.input?.data as { psn_no?: string } | undefined)?.psn_no)
      return HttpResponse.json(envelope(r.infcode, r.output, r.errMsg))
    }
    if (body.infno === '5203' || body.infno === '5260') {
      const r = settlementTransaction(body.infno, body.input?.data as Record<string, unknown> | undefined)
      return HttpResponse.json(envelope(r.infcode, r.output, r.errMsg))
    }
    if (body.infno !== '1101')
      return HttpResponse.json(envelope(-1, null, '交易编号不存在'))
    const certno = body.input?.data?.certno ?? ''
    const person = PERSON_FIXTURES[certno]
    if (!person) return HttpResponse.json(envelope(-1, null, '未查询到人员信息'))
    const name = body.input?.data?.psn_name
    if (name && name !== person.baseinfo.psn_name) return HttpResponse.json(envelope(-1, null, '人员姓名与证件号码不匹配'))
    return HttpResponse.json(envelope(0, person))
  }),
  http.head(`${NHSA_TEST_URL}/`, () => new HttpResponse(null, { status: 200 })),
]
