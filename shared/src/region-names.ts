import { areaList } from '@vant/area-data'

/**
 * Names of GB/T 2260 administrative divisions from a kept data package (@vant/area-data, the current
 * county-level list), never a hand-written table. Import it from `@yibao/shared/region-names`: the list is
 * ~33 KiB gzip, so it stays out of the web app's entry bundle and loads with the pages that show regions.
 */

/**
 * Codes retired by a change of division that our policy documents still use, mapped to their successor in
 * the current list. 610322 凤翔县 became 610305 凤翔区 (国函〔2021〕4号, Baoji); the Fengxiang 2020 notice
 * and the sandbox's residents carry the old code.
 */
const SUCCESSORS: Readonly<Record<string, string>> = { 610322: '610305' }

function lookup(code: string): string | undefined {
  return areaList.county_list[code] ?? areaList.city_list[code] ?? areaList.province_list[code]
}

/**
 * The name of a 6-digit division code: the county (区县), city (地市) or province of that code, or of
 * the nearest level above it (a 市本级 code such as 370500 names the city). Unknown codes give `undefined`.
 */
export function regionName(code: string | null | undefined): string | undefined {
  if (!code || !/^\d{6}$/.test(code)) return undefined
  const own = lookup(SUCCESSORS[code] ?? code)
  if (own) return own
  return lookup(`${code.slice(0, 4)}00`) ?? lookup(`${code.slice(0, 2)}0000`)
}

/** The full name with the province and city, e.g. 山东省东营市东营区; the code itself when it is unknown. */
export function regionFullName(code: string): string {
  const own = regionName(code)
  if (!own) return code
  const province = lookup(`${code.slice(0, 2)}0000`)
  const city = lookup(`${code.slice(0, 4)}00`)
  const parts = [province, city !== province ? city : undefined, own].filter((p): p is string => !!p)
  return [...new Set(parts)].join('')
}

/** Name and code together, for staff who need both: 东营区（370502）; only the code when it is unknown. */
export function regionLabel(code: string): string {
  const name = regionName(code)
  return name ? `${name}（${code}）` : code
}
