import type { PdfJob } from './pdf-jobs'
import type { Logger } from './logger'
import { Piscina } from 'piscina'
import { AppError } from './errors'
import { renderPdfJob } from './pdf-jobs'

/** What each kind of PDF answers when no CJK font is usable (503: a PDF of empty boxes helps nobody). */
const UNAVAILABLE = {
  slip: 'SLIP_PDF_UNAVAILABLE',
  receipt: 'RECEIPT_PDF_UNAVAILABLE',
  certificate: 'CERTIFICATE_PDF_UNAVAILABLE',
} as const

/** A thread with nothing to render for this long ends (its font and pdfkit go with it). */
const IDLE_THREAD_MS = 60_000

/**
 * Running from the TypeScript sources (tests, `pnpm dev`) rather than the build: the worker is `pdf-worker.ts`
 * beside this module, loaded through tsx; in the build it is `pdf-worker.mjs` beside `main.mjs`
 * (server/scripts/build.mjs) and takes the process's own node flags (piscina's default).
 */
const FROM_SOURCES = import.meta.url.endsWith('.ts')
const WORKER_FILE = new URL(FROM_SOURCES ? './pdf-worker.ts' : './pdf-worker.mjs', import.meta.url)

export interface PdfRenderer {
  /** The job's PDF; 503 `*_PDF_UNAVAILABLE` (logged) without a CJK font. */
  render: (job: PdfJob, logger: Logger) => Promise<Buffer>
  /** Threads running now, and the PDFs they have rendered (0 and 0 when rendering on the event loop). */
  stats: () => { running: number, rendered: number }
  /** Ends the threads (shutdown). */
  close: () => Promise<void>
}

/**
 * Renders PDFs on `threads` worker threads (piscina), so a slip's ~15 ms of layout and compression never holds
 * up the event loop, and PDFs use the machine's other cores. The threads start on the first PDF and end when
 * idle. `threads: 0` renders on the event loop (tests, one-core machines).
 */
export function createPdfRenderer(opts: { threads: number, fontSetting: string | undefined }): PdfRenderer {
  const { threads, fontSetting } = opts
  let pool: Piscina | undefined
  const run = (job: PdfJob): Promise<Uint8Array | null> => {
    if (threads === 0) return renderPdfJob(job, fontSetting)
    pool ??= new Piscina({
      filename: WORKER_FILE.href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: IDLE_THREAD_MS,
      ...(FROM_SOURCES && { execArgv: ['--import', 'tsx'] }),
    })
    return pool.run({ job, fontSetting }) as Promise<Uint8Array | null>
  }
  return {
    async render(job, logger) {
      const bytes = await run(job)
      if (!bytes) {
        logger.error({ setting: fontSetting ?? 'default candidates', kind: job.kind }, 'no CJK font for PDFs')
        throw new AppError(UNAVAILABLE[job.kind], 503)
      }
      // A thread's answer arrives as a Uint8Array: the same bytes, seen as a Buffer.
      return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    },
    stats: () => ({ running: pool?.threads.length ?? 0, rendered: pool?.completed ?? 0 }),
    async close() {
      await pool?.destroy()
      pool = undefined
    },
  }
}
