import type { ContributionChannel, SandboxContribution } from '../seed/model'
import type { SandboxEnv, SandboxState } from '../state'
import { fenToYuanString, toShanghaiIso } from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { contributionsOf } from './contributions'

/**
 * Stand-in for the tax bureau's 社保费征收 system (城乡居民医保 premiums are collected by the tax
 * bureau, not by the medical-insurance bureau). It speaks its own JSON, with pinyin-initial field names:
 *
 * `POST /tax/api/contribution/query` with `{ sfzjlx: "201", sfzjhm, jfnd? }`
 * (身份证件类型 201 = 居民身份证, 身份证件号码, optional 缴费年度 filter as a number or string) →
 *
 * ```json
 * { "fhdm": "0000", "fhxx": "查询成功", "jfxx": [
 *   { "jfnd": "2026", "xzdm": "390", "cbdq": "370502", "jfrylb": "1501", "jfzt": "1",
 *     "jfje": "400.00", "jfrq": "2025-10-08 09:30:12", "jfqd": "01", "pzhm": "3705022026…" } ] }
 * ```
 *
 * | field | meaning |
 * |---|---|
 * | `fhdm` / `fhxx` | 返回代码 (`0000` success, `1001` 未查询到缴费人, `9001` 参数错误) / 返回信息 |
 * | `jfnd` | 缴费年度 = benefit year the premium is for |
 * | `xzdm` | 险种代码 (390) |
 * | `cbdq` | 参保地区划 |
 * | `jfrylb` | 缴费人员类别 (the bureau's psn_type) |
 * | `jfzt` | 缴费状态: `1` 已缴, `0` 未缴 |
 * | `jfje` | 已缴 → amount paid; 未缴 → amount due; yuan, 2-decimal string (`"0.00"` when finance paid it all) |
 * | `jfrq` | 缴费时间 `yyyy-MM-dd HH:mm:ss`, `""` while unpaid |
 * | `jfqd` | 缴费渠道: 01 微信, 02 支付宝, 03 银行APP, 04 办税服务厅, 05 财政代缴; `""` while unpaid |
 * | `pzhm` | 电子缴费凭证号, `""` while unpaid |
 *
 * Business errors are HTTP 200 with a non-`0000` `fhdm`, as the tax gateway does. Faults apply as to
 * every bureau route (the fault middleware covers everything outside `/__sandbox`).
 */
export const TAX_QUERY_PATH = '/tax/api/contribution/query'

/** Request of the contribution query. */
export const TaxQuerySchema = z.object({
  sfzjlx: z.literal('201', { error: '身份证件类型[sfzjlx]应为201（居民身份证）' }),
  sfzjhm: z.string({ error: '身份证件号码[sfzjhm]不能为空' }).trim().regex(/^\d{17}[\dX]$/i, { error: '身份证件号码[sfzjhm]格式错误' }),
  jfnd: z.union([z.number().int(), z.string().regex(/^\d{4}$/)]).transform(Number).optional(),
})

/** One 缴费信息 row on the wire. */
export interface TaxContributionRow {
  jfnd: string
  xzdm: string
  cbdq: string
  jfrylb: string
  jfzt: '0' | '1'
  jfje: string
  jfrq: string
  jfqd: string
  pzhm: string
}

/** Reply of the contribution query. */
export interface TaxQueryReply {
  fhdm: string
  fhxx: string
  jfxx: TaxContributionRow[]
}

const CHANNEL_CODES: Record<ContributionChannel, string> = { wechat: '01', alipay: '02', bank_app: '03', tax_hall: '04', finance: '05' }

/** `yyyy-MM-dd HH:mm:ss` (Shanghai) of an ISO moment. */
function wireTime(iso: string): string {
  const s = toShanghaiIso(new Date(iso))
  return `${s.slice(0, 10)} ${s.slice(11, 19)}`
}

/** A seeded or derived contribution in the tax system's wire form. */
export function taxRow(c: SandboxContribution): TaxContributionRow {
  return {
    jfnd: String(c.year),
    xzdm: c.insutype,
    cbdq: c.admdvs,
    jfrylb: c.psnType,
    jfzt: c.paid ? '1' : '0',
    jfje: fenToYuanString(c.personalFen),
    jfrq: c.paidAt ? wireTime(c.paidAt) : '',
    jfqd: c.channel ? CHANNEL_CODES[c.channel] : '',
    pzhm: c.receiptNo ?? '',
  }
}

/** The tax system's routes. */
export function taxRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  app.post(TAX_QUERY_PATH, async (c) => {
    let raw: unknown
    try {
      raw = await c.req.json()
    }
    catch {
      return c.json({ fhdm: '9001', fhxx: '请求参数错误：请求体不是合法的JSON', jfxx: [] } satisfies TaxQueryReply)
    }
    const parsed = TaxQuerySchema.safeParse(raw)
    if (!parsed.success) return c.json({ fhdm: '9001', fhxx: `请求参数错误：${parsed.error.issues[0]?.message ?? ''}`, jfxx: [] } satisfies TaxQueryReply)
    const person = state.residents.findPersonByCertNo(parsed.data.sfzjhm)
    if (!person || person.contributions.length === 0) return c.json({ fhdm: '1001', fhxx: '未查询到缴费人登记信息', jfxx: [] } satisfies TaxQueryReply)
    const year = parsed.data.jfnd
    const rows = contributionsOf(person, state.now()).filter(x => year === undefined || x.year === year).map(taxRow)
    return c.json({ fhdm: '0000', fhxx: '查询成功', jfxx: rows } satisfies TaxQueryReply)
  })
  return app
}
