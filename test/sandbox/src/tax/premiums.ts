import type { SandboxContribution, SandboxPerson } from '../seed/model'
import type { SandboxEnv, SandboxState } from '../state'
import { fenToYuanString, shanghaiDate, yuanToFen } from '@yibao/shared'
import { Hono } from 'hono'
import { z } from 'zod'
import { hashLabel } from '../seed/build'
import { subsidyFen } from '../seed/premiums'
import { contributionsOf, derivedContribution } from './contributions'

/**
 * The tax bureau's premium collection (城乡居民医保 个人缴费), same gateway and conventions as the
 * contribution query in `routes.ts` (pinyin-initial fields, yuan as 2-decimal strings, `fhdm` 0000 = ok).
 *
 * `POST /tax/api/premium/quote` `{ sfzjlx: "201", sfzjhm, xm?, jfnd }` → `jfxx`:
 * | field | meaning |
 * |---|---|
 * | `bzje` / `zzje` / `yjje` | 个人缴费标准 / 政府资助 / 应缴金额 (yuan) |
 * | `jfzt` | `1` 已缴, `0` 未缴 |
 * | `kjbz` | 可缴标志: `1` may be paid now |
 * | `bkjyy` | why not: `01` 已缴费, `02` 财政全额资助, `03` 不在缴费期, `04` 未参加城乡居民医保, `05` 人员已死亡 |
 *
 * `POST /tax/api/premium/collect` `{ ddh, zfqd, zfls, zfsj, mx: [{ sfzjhm, jfnd, je }] }` records a
 * payment made through a channel (订单号 = the merchant's out_trade_no; idempotent on it and the
 * person-year, so one order's lines may come one request each) and answers the tax receipt numbers
 * `pzhm[]`. A line whose amount differs from what is due is refused (`2001`); a person-year already
 * collected under another order (or at a counter) is refused `2002` 该人员该年度已缴费, and `quote` then
 * names the order it was collected under (`jfddh`).
 * Collection for benefit year Y is open from 1 September of Y−1 to 30 June of Y (sandbox rule).
 *
 * `POST /tax/api/premium/refund` `{ tkdh, ddh, sfzjlx: "201", sfzjhm, jfnd, je, tkyy }` is the bureau's
 * 退费审核 (医保审核, then 税务退费 approval) of one person-year paid through `collect` under order `ddh`:
 * 退款单号 `tkdh` (ours, 6–32 of `[0-9A-Za-z_-]`, idempotent on it), 退费金额 `je`, 退费原因 `tkyy`: `01`
 * 待遇享受期前死亡, `02` 重复参保, `03` 已参加职工医保, `04` 误缴多缴, `05` 资助对象. `je` must equal what was
 * collected, except for two partial refunds (医保审核 sets the amount; this stand-in checks its bound):
 * - `03` on or after 1 January of `jfnd`: at most the months of `jfnd` a 310 relation covers whole, pro rata
 *   (collected × months ÷ 12, rounded down); none → `2007` 未查询到与该年度重叠的职工医保参保月份;
 * - `05`: at most what was collected; the person must hold a status in force during `jfnd` that the bureau
 *   funds (特困, 建档立卡, 低保…), else `2006` 未查询到参保资助信息.
 * Approved → `{ fhdm: "0000", fhxx: "退费审核通过", tkpzh }` (退费凭证号). A whole refund leaves the year no longer
 * paid (the record stays, unpaid, so `quote` shows it payable again and NHSA coverage sees it suspended); a
 * partial one keeps it paid and records `refundedFen` (one partial refund per record).
 * Refused (nothing changes): `9001` 请求参数错误 (also a `tkdh` reused for another ddh/person/year),
 * `1001` 未查询到缴费人登记信息, `2001` 未查询到该笔缴费记录 (no paid year collected under that `ddh`),
 * `2002` 退费金额与缴费金额不一致, `2003` 该年度待遇享受期已开始，不予退费 (on or after 1 January of `jfnd`,
 * Shanghai, unless `tkyy` is `01`), `2004` 未查询到死亡登记信息 (`01` without a death before 1 January of
 * `jfnd`), `2005` 未查询到职工医保参保信息 (`03` without a 310 relation still active on 1 January of `jfnd`).
 */
export const PREMIUM_QUOTE_PATH = '/tax/api/premium/quote'
export const PREMIUM_COLLECT_PATH = '/tax/api/premium/collect'
export const PREMIUM_REFUND_PATH = '/tax/api/premium/refund'

const QuoteSchema = z.object({
  sfzjlx: z.literal('201'),
  sfzjhm: z.string().regex(/^\d{17}[\dX]$/i),
  /** 姓名: when given it must match the register. */
  xm: z.string().min(1).optional(),
  jfnd: z.union([z.number().int(), z.string().regex(/^\d{4}$/)]).transform(Number),
})

const CollectSchema = z.object({
  ddh: z.string().min(6).max(32),
  zfqd: z.string(),
  zfls: z.string().min(1),
  zfsj: z.string(),
  mx: z.array(z.object({ sfzjhm: z.string().regex(/^\d{17}[\dX]$/i), jfnd: z.union([z.number(), z.string()]).transform(Number), je: z.string() })).min(1),
})

const RefundSchema = z.object({
  tkdh: z.string().regex(/^[\w-]{6,32}$/),
  ddh: z.string().min(6).max(32),
  sfzjlx: z.literal('201'),
  sfzjhm: z.string().regex(/^\d{17}[\dX]$/i).transform(s => s.toUpperCase()),
  jfnd: z.union([z.number().int(), z.string().regex(/^\d{4}$/)]).transform(Number),
  je: z.string().regex(/^\d+\.\d{2}$/),
  tkyy: z.enum(['01', '02', '03', '04', '05']),
})

/** A refund already approved: what it was for and the answer given. */
interface RefundDone { ddh: string, certNo: string, year: number, reply: { fhdm: '0000', fhxx: string, tkpzh: string } }

function lastDayOf(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)
}

/**
 * 03 after 1 January: the most the bureau gives back for a year that overlaps employee insurance — the months of
 * the year a 310 relation covers whole, pro rata (`null`: none).
 */
function overlapBound(person: SandboxPerson, rec: SandboxContribution): number | null {
  let months = 0
  for (let m = 1; m <= 12; m++) {
    const first = `${rec.year}-${String(m).padStart(2, '0')}-01`
    const last = lastDayOf(rec.year, m)
    const covers = (r: SandboxPerson['insurance'][number]) =>
      r.insutype === '310' && r.insuDate <= first && (r.endDate === null || r.endDate >= last)
    if (person.insurance.some(covers)) months++
  }
  return months ? Math.floor(rec.personalFen * months / 12) : null
}

/** 05: the most a 资助对象 gets back — what was collected, if a status the bureau funds is in force in the year. */
function fundedBound(person: SandboxPerson, rec: SandboxContribution): number | null {
  const held = person.statuses
    .filter(s => s.begin <= `${rec.year}-12-31` && (s.end === null || s.end >= `${rec.year}-01-01`))
    .map(s => s.status)
  return subsidyFen(held, rec.standardFen) > 0 ? rec.personalFen : null
}

function windowOpen(year: number, now: Date): boolean {
  const today = shanghaiDate(now)
  return today >= `${year - 1}-09-01` && today <= `${year}-06-30`
}

/** The record for a year: what the tax system holds, or what it would charge. */
function recordFor(person: SandboxPerson, year: number, now: Date): SandboxContribution | null {
  return contributionsOf(person, now).find(c => c.year === year) ?? derivedContribution(person, year, now)
}

export function premiumRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  /** ddh + the request's person-years → the answer already given (collect is idempotent on them). */
  const collected = new Map<string, { pzhm: string[] }>()
  /** Paid record → the ddh it was collected under (only `collect` payments can be refunded). */
  const collectedUnder = new WeakMap<SandboxContribution, string>()
  /** tkdh → the approved refund (refund is idempotent on our refund number). */
  const refunds = new Map<string, RefundDone>()

  app.post(PREMIUM_QUOTE_PATH, async (c) => {
    const parsed = QuoteSchema.safeParse(await c.req.json().catch(() => null))
    if (!parsed.success) return c.json({ fhdm: '9001', fhxx: `请求参数错误：${parsed.error.issues[0]?.path.join('.') ?? ''}` })
    const { sfzjhm, xm, jfnd } = parsed.data
    const person = state.residents.findPersonByCertNo(sfzjhm)
    if (!person || (xm !== undefined && person.name !== xm)) return c.json({ fhdm: '1001', fhxx: '未查询到缴费人登记信息' })
    const now = state.now()
    const rec = recordFor(person, jfnd, now)
    const residentRel = person.insurance.find(r => r.insutype === '390' && r.endDate === null)
    let reason = ''
    if (person.deathDate) reason = '05'
    else if (!residentRel || !rec) reason = '04'
    else if (rec.paid) reason = '01'
    else if (rec.personalFen === 0) reason = '02'
    else if (!windowOpen(jfnd, now)) reason = '03'
    return c.json({
      fhdm: '0000',
      fhxx: '查询成功',
      jfxx: {
        jfnd: String(jfnd),
        cbdq: rec?.admdvs ?? residentRel?.admdvs ?? person.countyCode,
        jfrylb: rec?.psnType ?? person.psnType,
        bzje: fenToYuanString(rec?.standardFen ?? 0),
        zzje: fenToYuanString(rec?.subsidyFen ?? 0),
        yjje: fenToYuanString(rec && !rec.paid ? rec.personalFen : 0),
        jfzt: rec?.paid || reason === '02' ? '1' : '0',
        kjbz: reason ? '0' : '1',
        bkjyy: reason,
        ...(rec?.paid && collectedUnder.get(rec) && { jfddh: collectedUnder.get(rec) }),
      },
    })
  })

  app.post(PREMIUM_COLLECT_PATH, async (c) => {
    const parsed = CollectSchema.safeParse(await c.req.json().catch(() => null))
    if (!parsed.success) return c.json({ fhdm: '9001', fhxx: '请求参数错误' })
    const body = parsed.data
    const key = `${body.ddh}|${body.mx.map(l => `${l.sfzjhm.toUpperCase()}:${l.jfnd}`).sort().join(',')}`
    const earlier = collected.get(key)
    if (earlier) return c.json({ fhdm: '0000', fhxx: '已受理', ...earlier })
    if (state.taxFaults.collectRefusal) return c.json(state.taxFaults.collectRefusal)
    const now = state.now()
    const updates: { person: SandboxPerson, rec: SandboxContribution }[] = []
    for (const line of body.mx) {
      const person = state.residents.findPersonByCertNo(line.sfzjhm)
      const rec = person ? recordFor(person, line.jfnd, now) : null
      if (!person || !rec) return c.json({ fhdm: '1001', fhxx: '未查询到缴费人登记信息' })
      if (rec.paid && collectedUnder.get(rec) === body.ddh) continue
      if (rec.paid) return c.json({ fhdm: '2002', fhxx: '该人员该年度已缴费' })
      if (yuanToFen(line.je) !== rec.personalFen) return c.json({ fhdm: '2001', fhxx: '缴费金额与应缴金额不一致' })
      updates.push({ person, rec })
    }
    const pzhm = updates.map(({ person, rec }, i) => {
      const receiptNo = `${rec.admdvs}${rec.year}${body.ddh.slice(-6)}${String((hashLabel(person.certNo) + i) % 100).padStart(2, '0')}`
      const paid: SandboxContribution = { ...rec, paid: true, paidAt: new Date(Date.parse(body.zfsj) || now.getTime()).toISOString(), channel: 'wechat', receiptNo }
      person.contributions = [...person.contributions.filter(x => x.year !== rec.year || x.admdvs !== rec.admdvs), paid]
      collectedUnder.set(paid, body.ddh)
      return receiptNo
    })
    collected.set(key, { pzhm })
    return c.json({ fhdm: '0000', fhxx: '缴费成功', pzhm })
  })

  /** Test control: the tax bureau refuses every collect with this answer (`null` clears it). */
  app.put('/__sandbox/tax/collect-refusal', async (c) => {
    const body = await c.req.json().catch(() => null) as { fhdm?: string, fhxx?: string } | null
    state.taxFaults.collectRefusal = body?.fhdm ? { fhdm: body.fhdm, fhxx: body.fhxx ?? '' } : null
    return c.json({ ok: true, collectRefusal: state.taxFaults.collectRefusal })
  })

  /** Test control: the person-year is paid at a tax counter (another channel), e.g. while an online order is open. */
  app.post('/__sandbox/tax/counter-payment', async (c) => {
    const body = await c.req.json().catch(() => null) as { certNo?: string, year?: number } | null
    const person = body?.certNo ? state.residents.findPersonByCertNo(body.certNo) : null
    const rec = person && body?.year ? recordFor(person, body.year, state.now()) : null
    if (!person || !rec) return c.json({ ok: false, error: 'unknown person-year' }, 404)
    const paid: SandboxContribution = { ...rec, paid: true, paidAt: state.now().toISOString(), channel: 'tax_hall', receiptNo: `GT${rec.year}${hashLabel(person.certNo)}` }
    person.contributions = [...person.contributions.filter(x => x.year !== rec.year || x.admdvs !== rec.admdvs), paid]
    return c.json({ ok: true })
  })

  app.post(PREMIUM_REFUND_PATH, async (c) => {
    const parsed = RefundSchema.safeParse(await c.req.json().catch(() => null))
    if (!parsed.success) return c.json({ fhdm: '9001', fhxx: `请求参数错误：${parsed.error.issues[0]?.path.join('.') ?? ''}` })
    const { tkdh, ddh, sfzjhm, jfnd, je, tkyy } = parsed.data
    const earlier = refunds.get(tkdh)
    if (earlier) {
      if (earlier.ddh === ddh && earlier.certNo === sfzjhm && earlier.year === jfnd) return c.json(earlier.reply)
      return c.json({ fhdm: '9001', fhxx: '请求参数错误：退款单号[tkdh]已用于其他缴费记录' })
    }
    const person = state.residents.findPersonByCertNo(sfzjhm)
    if (!person) return c.json({ fhdm: '1001', fhxx: '未查询到缴费人登记信息' })
    const rec = person.contributions.find(x => x.year === jfnd && x.paid && collectedUnder.get(x) === ddh)
    if (!rec || rec.refundedFen) return c.json({ fhdm: '2001', fhxx: '未查询到该笔缴费记录' })
    const benefitStarts = `${jfnd}-01-01`
    const started = shanghaiDate(state.now()) >= benefitStarts
    const amount = yuanToFen(je) ?? 0
    const partial = (tkyy === '03' && started) || tkyy === '05'
    if (partial) {
      const bound = tkyy === '03' ? overlapBound(person, rec) : fundedBound(person, rec)
      if (bound === null) {
        return c.json(tkyy === '03'
          ? { fhdm: '2007', fhxx: '未查询到与该年度重叠的职工医保参保月份' }
          : { fhdm: '2006', fhxx: '未查询到参保资助信息' })
      }
      if (amount <= 0 || amount > bound) return c.json({ fhdm: '2002', fhxx: '退费金额超出核定金额' })
      const kept: SandboxContribution = { ...rec, refundedFen: amount }
      person.contributions = person.contributions.map(x => x === rec ? kept : x)
      collectedUnder.set(kept, ddh)
      return c.json(approve(tkdh, { ddh, certNo: sfzjhm, year: jfnd }))
    }
    if (amount !== rec.personalFen) return c.json({ fhdm: '2002', fhxx: '退费金额与缴费金额不一致' })
    if (tkyy !== '01' && started) return c.json({ fhdm: '2003', fhxx: '该年度待遇享受期已开始，不予退费' })
    if (tkyy === '01' && !(person.deathDate !== null && person.deathDate < benefitStarts)) return c.json({ fhdm: '2004', fhxx: '未查询到死亡登记信息' })
    if (tkyy === '03' && !person.insurance.some(r => r.insutype === '310' && (r.endDate === null || r.endDate >= benefitStarts))) return c.json({ fhdm: '2005', fhxx: '未查询到职工医保参保信息' })
    // Approved: the year is owed again (the record stays so the derived year does not come back).
    const unpaid: SandboxContribution = { ...rec, paid: false, paidAt: null, channel: null, receiptNo: null }
    person.contributions = person.contributions.map(x => x === rec ? unpaid : x)
    return c.json(approve(tkdh, { ddh, certNo: sfzjhm, year: jfnd }))
  })

  /** Records an approved refund under its number and answers it (a repeat of `tkdh` gets the same answer). */
  function approve(tkdh: string, what: Omit<RefundDone, 'reply'>): RefundDone['reply'] {
    const tkpzh = `TF${String(hashLabel(`refund:${tkdh}`)).padStart(10, '0')}`
    const reply = { fhdm: '0000' as const, fhxx: '退费审核通过', tkpzh }
    refunds.set(tkdh, { ...what, reply })
    return reply
  }
  return app
}
