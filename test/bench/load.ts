import autocannon from 'autocannon'

export interface LoadResult {
  label: string
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

export interface LoadOptions {
  label: string
  url: string
  method?: 'GET' | 'POST'
  body?: string
  headers?: Record<string, string>
  /** Per-request setup (e.g. a changing header), passed to autocannon as `requests`. */
  requests?: autocannon.Request[]
  connections?: number
  durationS?: number
}

/** Fixed connections and duration; a short warm-up first so JIT and pools are hot. */
export async function load(opts: LoadOptions): Promise<LoadResult> {
  const base = { url: opts.url, method: opts.method ?? 'GET', body: opts.body, headers: opts.headers, requests: opts.requests, connections: opts.connections ?? 10 }
  await autocannon({ ...base, duration: 2 })
  const r = await autocannon({ ...base, duration: opts.durationS ?? 10 })
  return { label: opts.label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx }
}

export function table(rows: LoadResult[]): string {
  const head = ['target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx']
  const lines = rows.map(r => [r.label, r.rps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.errors), String(r.non2xx)])
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map(l => l[i]!.length)))
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [fmt(head), ...lines.map(fmt)].join('\n')
}
