import type { PolicyId } from '../ids'
import type { CollectionCalendar } from '../calendar-schema'

/**
 * The collection calendar of each policy region: when the tax bureau collects a benefit year's
 * premiums, until when a payment counts as made in the concentrated period (集中参保期, February
 * extension included where a region has one), and when collection closes. The benefit year itself is
 * the calendar year (1 January – 31 December, Asia/Shanghai) everywhere.
 *
 * Of the four documents in the reference set, none gives these dates. The Dongying notice 六(一)
 * knows a 集中参保期 and a 待遇享受期 but not their dates; the Guizhou plan 二(二) fixes who joins which
 * year (identified by the end of August → this year, September–December → next year), not when to pay;
 * the Fengxiang report names "延长参保缴费" among its 2020 epidemic measures, without a date. Every
 * date below is therefore `assumed`, with its reason.
 */

const NATIONAL = '国办发〔2024〕38号'

const OPENS = {
  value: '09-01',
  source: `${NATIONAL}（集中参保期）`,
  assumed: true,
  reason: '文件未规定征缴开始日期，按多数地区每年9月1日开始征收下一年度保费',
} as const

const CONCENTRATED_ENDS = {
  value: '12-31',
  source: `${NATIONAL}（集中参保期）`,
  assumed: true,
  reason: '文件未规定集中参保期截止日期，按多数地区9月至12月集中参保',
} as const

const CLOSES = {
  value: '06-30',
  source: `${NATIONAL}（集中参保期外参保设置待遇等待期）`,
  assumed: true,
  reason: '文件未规定征缴截止日期；与税务征收系统（沙箱）一致，缴费年度6月30日后不再征收',
} as const

/** Where no policy region applies: the national shape, with the extension most provinces use. */
const DEFAULT_CALENDAR_DATA: CollectionCalendar = {
  opens: OPENS,
  concentratedEnds: CONCENTRATED_ENDS,
  februaryExtension: {
    value: true,
    source: `${NATIONAL}（集中参保期）`,
    assumed: true,
    reason: '全国文件未规定延长缴费期；多数省份1月1日至2月底为延长缴费期，视同集中期缴费（如赣医保发〔2024〕7号9月15日至次年2月28日）',
  },
  closes: CLOSES,
}

const REGION_DATA: Record<PolicyId, CollectionCalendar> = {
  'dongying-2020': {
    opens: OPENS,
    concentratedEnds: CONCENTRATED_ENDS,
    februaryExtension: {
      value: true,
      source: '东医保发〔2020〕56号 六(一)',
      assumed: true,
      reason: '通知只要求“杜绝发生参保空档期”，未规定延长缴费期；按山东省通行的次年2月底前缴费视同集中期缴费处理',
    },
    closes: CLOSES,
  },
  'fengxiang-2020': {
    opens: OPENS,
    concentratedEnds: CONCENTRATED_ENDS,
    februaryExtension: {
      value: true,
      source: '《凤翔县医保扶贫工作纪实》（宝鸡市医疗保障局，2020年12月） 落实“两个确保”（延长参保缴费）',
      assumed: true,
      reason: '报告提到疫情期间“延长参保缴费”，但未给出截止日期，按延长至2月底处理',
    },
    closes: CLOSES,
  },
  'guizhou-2019': {
    opens: OPENS,
    concentratedEnds: CONCENTRATED_ENDS,
    februaryExtension: {
      value: true,
      source: '贵州省医疗保障扶贫行动实施方案 二(二)',
      assumed: true,
      reason: '方案只规定扶贫对象纳入当年度或下一年度，未规定延长缴费期；按贵州省通行的次年2月底前缴费视同集中期缴费处理',
    },
    closes: CLOSES,
  },
}

/** The calendar used where no policy region applies. */
export const DEFAULT_CALENDAR: CollectionCalendar = Object.freeze(DEFAULT_CALENDAR_DATA)

/**
 * Each policy region's calendar. Not parsed when this module loads (a payment screen reads it at start, and zod
 * would cost the phone ~90 KiB of script): calendars.test.ts checks each one against `CollectionCalendarSchema`.
 */
export const REGION_CALENDARS: Readonly<Record<PolicyId, CollectionCalendar>> = Object.freeze({
  'dongying-2020': Object.freeze(REGION_DATA['dongying-2020']),
  'fengxiang-2020': Object.freeze(REGION_DATA['fengxiang-2020']),
  'guizhou-2019': Object.freeze(REGION_DATA['guizhou-2019']),
})

/** The calendar of a policy region, or the default one (`null`: no policy covers the region). */
export function calendarFor(policyId: PolicyId | null): CollectionCalendar {
  return policyId ? REGION_CALENDARS[policyId] : DEFAULT_CALENDAR
}
