import { areaList } from '@vant/area-data'

/**
 * 就医地 (the place of care) from Vant's area data: a province and a city (地级), the 6-digit code of
 * the city being what the bureau is sent. Imported only by the two 异地就医备案 pages (lazy routes),
 * so the ~30 KiB of names never reach the entry bundle.
 */
const { province_list: provinces, city_list: cities, county_list: counties } = areaList

/** 台湾、香港、澳门 are outside the national 异地就医 settlement network. */
const OUTSIDE = new Set(['71', '81', '82'])

/** Vant's placeholder "cities" that gather 省直辖县级行政区划 (仙桃, 济源, 石河子…) or 重庆's 县. */
function isGrouping(code: string): boolean {
  return /直辖|^县$/.test(cities[code] ?? '')
}

/** The counties of a grouping, as its name in the picker: 仙桃市、潜江市、天门市等. */
function groupingText(code: string): string {
  const names = Object.keys(counties).filter(c => c.slice(0, 4) === code.slice(0, 4)).map(c => counties[c]!)
  return names.length ? `${names.slice(0, 3).join('、')}${names.length > 3 ? '等' : ''}` : cities[code]!
}

/** The province and city columns for `van-area` (columns-num 2), without the places outside the network. */
export const PICKER_AREAS = {
  province_list: Object.fromEntries(Object.entries(provinces).filter(([code]) => !OUTSIDE.has(code.slice(0, 2)))),
  city_list: Object.fromEntries(Object.entries(cities)
    .filter(([code]) => !OUTSIDE.has(code.slice(0, 2)))
    .map(([code, name]) => [code, isGrouping(code) ? groupingText(code) : name])),
  county_list: {},
}

/**
 * The name of a 6-digit area code, province then city: `山东省 青岛市`; a 直辖市 once (`北京市`); a
 * county (as the bureau may record one) by its city, except counties under a grouping, which are
 * cities of their own (`湖北省 仙桃市`). An unknown code is shown as it is.
 */
export function areaName(code: string): string {
  const province = provinces[`${code.slice(0, 2)}0000`]
  if (!province) return code
  const cityCode = `${code.slice(0, 4)}00`
  let city: string | undefined
  if (isGrouping(cityCode)) city = code === cityCode ? groupingText(cityCode) : counties[code]
  else city = cities[cityCode]
  if (!city || city === province) return province
  return `${province} ${city}`
}
