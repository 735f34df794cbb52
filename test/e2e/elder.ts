import type { Page } from 'playwright-core'

/** What 长辈版 promises (MIIT 2021 适老化 1.1, 1.2, 2.1), as the sweep measures it from computed styles. */
export const ELDER = { minFontPx: 18, minControlPx: 60, minLineHeight: 1.3 } as const

/**
 * Everything on the page that breaks 长辈版's numbers: visible text under 18 px, a control (button, link styled
 * as one, input, select, tab, choice, clickable cell) under 60 px tall, and body text set tighter than 1.3.
 * Each problem names the element (tag, test id or class, its text) and what was measured.
 */
export async function elderProblems(page: Page): Promise<string[]> {
  return page.evaluate((limits) => {
    const problems: string[] = []
    const describe = (el: Element) => {
      const id = el.getAttribute('data-testid')
      const cls = typeof el.className === 'string' ? el.className.split(/\s+/).filter(Boolean).slice(0, 2).join('.') : ''
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 16)
      return `<${el.tagName.toLowerCase()}${id ? ` data-testid=${id}` : ''}${cls ? ` .${cls}` : ''}> "${text}"`
    }
    const visible = (el: Element) => (el as HTMLElement).checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true })
      && el.getClientRects().length > 0
    const body = getComputedStyle(document.body)
    const ratio = Number.parseFloat(body.lineHeight) / Number.parseFloat(body.fontSize)
    if (!(ratio >= limits.minLineHeight)) problems.push(`body line-height ${body.lineHeight} / ${body.fontSize}`)
    // Text: every element with a text node of its own (not whitespace), rendered.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    const seen = new Set<Element>()
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement
      if (!el || seen.has(el) || !node.textContent?.trim()) continue
      seen.add(el)
      if (!visible(el) || el.closest('.visually-hidden, [aria-hidden="true"], .skip-link, svg, style, script')) continue
      const size = Number.parseFloat(getComputedStyle(el).fontSize)
      if (size < limits.minFontPx) problems.push(`text ${size}px ${describe(el)}`)
    }
    // Controls: what a finger has to hit.
    const controls = document.querySelectorAll([
      'button',
      'input:not([type="hidden"])',
      'select',
      'textarea',
      '[role="button"]',
      '[role="tab"]',
      '[role="radio"]',
      '[role="checkbox"]',
      '[role="switch"]',
      'a.van-button',
      '.van-tabbar-item',
      '.van-cell--clickable',
      'label.choice',
    ].join(','))
    for (const el of controls) {
      if (!visible(el) || el.closest('[aria-hidden="true"], .skip-link')) continue
      // A native radio or checkbox sits inside its choice label: the label is what is hit (measured itself).
      if (el.matches('input[type="radio"], input[type="checkbox"]') && el.closest('label')) continue
      const { height } = el.getBoundingClientRect()
      if (height < limits.minControlPx - 0.5) problems.push(`control ${Math.round(height)}px tall ${describe(el)}`)
    }
    return problems
  }, ELDER)
}
