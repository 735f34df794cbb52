/**
 * Runs `work` once the browser is idle after the first screen (requestIdleCallback; a short timer where there is
 * none): what the next tap will need loads without holding up what is on screen now.
 */
export function whenIdle(work: () => void): void {
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(() => work())
  else setTimeout(work, 1500)
}

const preloaded = new Set<string>()

/**
 * Fetches, without running, the modules the build listed under `name` (vite.config.ts, idlePreloadList) as
 * `<link rel="modulepreload">`: a later `import()` of them then runs from the page's module map, with no network,
 * and nothing runs on the main thread before it is needed. False where the page has no such list (the dev server).
 */
export function preloadModules(name: string): boolean {
  const list = document.querySelector<HTMLMetaElement>(`meta[name="yibao:idle-preload:${name}"]`)
  if (!list) return false
  // Once per page load: coming back to the page must not add the same links again.
  if (preloaded.has(name)) return true
  preloaded.add(name)
  for (const href of list.content.split(' ').filter(Boolean)) {
    const link = document.createElement('link')
    link.rel = 'modulepreload'
    link.href = href
    document.head.append(link)
  }
  return true
}
