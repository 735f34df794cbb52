import { http, HttpResponse } from 'msw'
import { TAX_QUERY_PATH } from '../upstream/tax/client'
import { TAX_FIXTURES } from './coverage-fixtures'

/** Base URL the tests point the tax adapter at; MSW answers it at the network edge. */
export const TAX_TEST_URL = 'http://tax.test'
export const TAX_TEST_ENDPOINT = `${TAX_TEST_URL}${TAX_QUERY_PATH}`

/** Happy paths of the tax bureau's contribution query; error states are added per test with `server.use`. */
export const taxHandlers = [
  http.post(TAX_TEST_ENDPOINT, async ({ request }) => {
    const body = await request.json() as { sfzjlx?: string, sfzjhm?: string, jfnd?: number }
    // Check what the adapter sends, as the tax gateway would.
    if (body.sfzjlx !== '201' || typeof body.sfzjhm !== 'string')
      return HttpResponse.json({ fhdm: '9001', fhxx: '请求参数错误', jfxx: [] })
    const reply = TAX_FIXTURES[body.sfzjhm] ?? { fhdm: '1001', fhxx: '未查询到缴费人登记信息', jfxx: [] }
    return HttpResponse.json(reply)
  }),
]
