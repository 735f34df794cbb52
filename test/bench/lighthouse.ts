// Lighthouse 12 (mobile preset: simulated slow 4G, 4× CPU) on the built app as `pnpm start` serves it: the
// compiled BFF under plain node with web/dist, precompressed files and all, against the sandbox. Lighthouse 13
// needs Node 22; 12.8 runs on Node 20. Chromium is Debian's (CHROME_PATH overrides).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { record } from './goals'
import { ROOT, startBff, startSandbox, withServers } from './processes'
import { signInResident } from './sign-in'

/** The four pages of issue 14; /pay needs a signed-in resident (a cookie sent with every request). */
const PAGES = [
  { path: '/', signedIn: false },
  { path: '/login', signedIn: false },
  { path: '/estimate', signedIn: false },
  { path: '/pay', signedIn: true },
] as const

const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const
const GOALS: Record<(typeof CATEGORIES)[number], number> = { 'performance': 95, 'accessibility': 100, 'best-practices': 100 }

export interface PageScores {
  path: string
  scores: Record<(typeof CATEGORIES)[number], number>
  lcpMs: number
  tbtMs: number
  cls: number
  /** Audits that lost points in best practices or accessibility (their ids), to say what to fix. */
  failing: string[]
}

/** What an audit lists, e.g. `inspector-issues` (content security policy) — to say what to fix. */
function issueKinds(details: unknown): string {
  const items = (details as { items?: { issueType?: string }[] } | undefined)?.items ?? []
  const kinds = [...new Set(items.map(i => i.issueType).filter(Boolean))]
  return kinds.length ? ` (${kinds.join(', ')})` : ''
}

/** Runs Lighthouse on each page of a running app; one Chromium for all, a fresh tab per page. */
export async function lighthousePages(baseUrl: string, cookie: string): Promise<PageScores[]> {
  const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium'
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] })
  try {
    const out: PageScores[] = []
    for (const page of PAGES) {
      const result = await lighthouse(`${baseUrl}${page.path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: [...CATEGORIES],
        ...(page.signedIn && { extraHeaders: { Cookie: cookie } }),
      })
      if (!result) throw new Error(`lighthouse: no result for ${page.path}`)
      const { lhr } = result
      if (lhr.runtimeError) throw new Error(`lighthouse ${page.path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`)
      const score = (id: (typeof CATEGORIES)[number]) => Math.round((lhr.categories[id]?.score ?? 0) * 100)
      const numeric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN
      const failing = (['accessibility', 'best-practices'] as const).flatMap(c =>
        (lhr.categories[c]?.auditRefs ?? [])
          .filter(ref => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
          .map(ref => `${ref.id}${issueKinds(lhr.audits[ref.id]?.details)}`))
      out.push({
        path: page.path,
        scores: { 'performance': score('performance'), 'accessibility': score('accessibility'), 'best-practices': score('best-practices') },
        lcpMs: numeric('largest-contentful-paint'),
        tbtMs: numeric('total-blocking-time'),
        cls: numeric('cumulative-layout-shift'),
        failing,
      })
    }
    return out
  }
  finally {
    await chrome.kill()
  }
}

/** The table printed by `pnpm bench lighthouse`, each score beside its goal. */
export function lighthouseTable(pages: PageScores[]): string {
  const head = ['page', 'performance', 'accessibility', 'best practices', 'LCP', 'TBT', 'CLS', 'lost points on']
  const cell = (c: (typeof CATEGORIES)[number], v: number) => `${v} (goal ≥ ${GOALS[c]}${v >= GOALS[c] ? ', met' : ', NOT met'})`
  const rows = pages.map(p => [
    p.path,
    cell('performance', p.scores.performance),
    cell('accessibility', p.scores.accessibility),
    cell('best-practices', p.scores['best-practices']),
    `${(p.lcpMs / 1000).toFixed(2)} s`,
    `${p.tbtMs.toFixed(0)} ms`,
    p.cls.toFixed(3),
    p.failing.join(', ') || '—',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  return [head, ...rows].map(r => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n')
}

export async function lighthouseFigures(): Promise<void> {
  const web = join(ROOT, 'web/dist')
  if (!existsSync(join(web, 'index.html'))) throw new Error('lighthouse: web/dist is missing; run `pnpm build` first')
  await withServers(async (start) => {
    const sandbox = await start(startSandbox())
    const bff = await start(startBff(sandbox.url, { WEB_DIST_DIR: web }))
    const { DEMO_RESIDENT_CERT_NO } = await import('@yibao/sandbox')
    const cookie = await signInResident(bff.url, sandbox.url, { name: '张秀英', certNo: DEMO_RESIDENT_CERT_NO })
    const pages = await lighthousePages(bff.url, cookie)
    for (const p of pages) {
      for (const c of CATEGORIES) record(`lighthouse${p.path === '/' ? '/home' : p.path}.${c}`, p.scores[c])
    }
    console.log('\n## Lighthouse 12, mobile preset (simulated slow 4G, 4× CPU), the built app on the compiled BFF\n')
    console.log(lighthouseTable(pages))
  })
}
