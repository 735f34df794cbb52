// The goal table of issue 14: every section records its figures here; `pnpm bench` prints each goal with
// the figure, the ratio and whether it is met, and `pnpm bench --json FILE` writes them for comparison.
import { writeFileSync } from 'node:fs'

/** Figures of this run, by name (req/s, ms, MiB, %). */
export const figures: Record<string, number> = {}

export function record(name: string, value: number): void {
  figures[name] = Math.round(value * 100) / 100
}

interface Goal {
  path: string
  /** What is compared, as the bench measured it; `undefined` when the section did not run. */
  value: () => number | undefined
  unit: string
  goal: string
  met: (v: number) => boolean
}

const pct = (a: string, b: string) => () => figures[a] !== undefined && figures[b] ? figures[a]! / figures[b]! * 100 : undefined
const fig = (a: string) => () => figures[a]
/** The lowest of the figures named `lighthouse/<page>.<category>` (every page must meet the goal). */
const worstPage = (category: string) => () => {
  const scores = Object.entries(figures).filter(([k]) => k.startsWith('lighthouse/') && k.endsWith(`.${category}`))
  return scores.length ? Math.min(...scores.map(([, v]) => v)) : undefined
}

/** Whether the bench ran on PostgreSQL (DATABASE_URL) or on the embedded PGlite. */
export function goals(onPostgres: boolean): Goal[] {
  const orderFloor = onPostgres ? 400 : 250
  return [
    { path: 'orders / ceiling', value: pct('orders.rps', 'ceiling.orders'), unit: '%', goal: '≥ 50 %', met: v => v >= 50 },
    { path: 'orders', value: fig('orders.rps'), unit: '/s', goal: `≥ ${orderFloor}/s`, met: v => v >= orderFloor },
    { path: 'callbacks / ceiling', value: pct('callbacks.rps', 'ceiling.callbacks'), unit: '%', goal: '≥ 50 %', met: v => v >= 50 },
    ...(onPostgres ? [{ path: 'callbacks', value: fig('callbacks.rps'), unit: '/s', goal: '≥ 800/s', met: (v: number) => v >= 800 }] : []),
    { path: 'profile, uncached / upstream', value: pct('profile.rps', 'profile.upstream'), unit: '%', goal: '≥ 60 %', met: v => v >= 60 },
    { path: 'coverage, uncached / upstream', value: pct('coverage.cold', 'coverage.upstream'), unit: '%', goal: '≥ 60 %', met: v => v >= 60 },
    { path: 'slip, uncached / upstream', value: pct('slip.cold', 'slip.upstream'), unit: '%', goal: '≥ 60 %', met: v => v >= 60 },
    { path: 'slip PDF', value: fig('pdf.rps'), unit: '/s', goal: '≥ 150/s', met: v => v >= 150 },
    { path: 'slip PDF p99', value: fig('pdf.p99'), unit: 'ms', goal: '≤ 300 ms', met: v => v <= 300 },
    {
      path: `BFF RSS after load (${onPostgres ? 'PostgreSQL' : 'PGlite'})`,
      value: fig('rss.afterLoad'),
      unit: 'MiB',
      goal: onPostgres ? '≤ 150 MiB' : '≤ 300 MiB',
      met: v => v <= (onPostgres ? 150 : 300),
    },
    { path: 'Lighthouse performance (worst page)', value: worstPage('performance'), unit: '', goal: '≥ 95', met: v => v >= 95 },
    { path: 'Lighthouse best practices (worst page)', value: worstPage('best-practices'), unit: '', goal: '100', met: v => v >= 100 },
    { path: 'Lighthouse accessibility (worst page)', value: worstPage('accessibility'), unit: '', goal: '100', met: v => v >= 100 },
  ]
}

export function goalTable(onPostgres: boolean): string {
  const rows = goals(onPostgres).map((g) => {
    const v = g.value()
    const shown = v === undefined ? '(not run)' : `${v.toFixed(v >= 100 ? 0 : 1)} ${g.unit}`
    return [g.path, shown, g.goal, v === undefined ? '' : g.met(v) ? 'met' : 'NOT met']
  })
  const head = ['goal of issue 14', 'this run', 'goal', '']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')
  return [fmt(head), ...rows.map(fmt)].join('\n')
}

/** `--json FILE`: the figures and the goals' outcome, for comparing runs. */
export function writeJson(file: string, onPostgres: boolean): void {
  const outcome = goals(onPostgres).map(g => ({ path: g.path, value: g.value() ?? null, goal: g.goal, met: g.value() === undefined ? null : g.met(g.value()!) }))
  writeFileSync(file, `${JSON.stringify({ driver: onPostgres ? 'postgres' : 'pglite', figures, goals: outcome }, null, 2)}\n`)
}
