import type { PdfJob } from './pdf-jobs'
import { renderPdfJob } from './pdf-jobs'

/**
 * A PDF worker thread of `pdf-pool.ts` (piscina): renders one job and hands its bytes back. Each thread loads the
 * CJK font once, on its first job. Built as `pdf-worker.mjs` beside the BFF's `main.mjs`.
 */
export default function render(task: { job: PdfJob, fontSetting: string | undefined }): Promise<Uint8Array | null> {
  return renderPdfJob(task.job, task.fontSetting)
}
