/**
 * Runs `work` once the browser is idle after the first screen (requestIdleCallback; a short timer where there is
 * none): what the next tap will need loads without holding up what is on screen now.
 */
export function whenIdle(work: () => void): void {
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(() => work())
  else setTimeout(work, 1500)
}
