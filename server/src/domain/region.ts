/**
 * Coverage of 6-digit administrative division codes (行政区划代码): a code ending in `0000` is a whole
 * province (`520000` covers every `52xxxx`), one ending in `00` a whole city (`370500` covers `370502`),
 * any other code only itself.
 */
export function regionCovers(scope: string, target: string): boolean {
  if (!/^\d{6}$/.test(scope) || !/^\d{6}$/.test(target)) return false
  if (scope.endsWith('0000')) return target.startsWith(scope.slice(0, 2))
  if (scope.endsWith('00')) return target.startsWith(scope.slice(0, 4))
  return target === scope
}

/** Whether any of `scopes` covers `target`. */
export function anyRegionCovers(scopes: readonly string[], target: string): boolean {
  return scopes.some(scope => regionCovers(scope, target))
}

/** The SQL `LIKE` pattern of the codes a scope covers (`52%`, `3705%`, or the code itself). */
export function regionLikePattern(scope: string): string {
  if (scope.endsWith('0000')) return `${scope.slice(0, 2)}%`
  if (scope.endsWith('00')) return `${scope.slice(0, 4)}%`
  return scope
}
