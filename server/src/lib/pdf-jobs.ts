import type { ReceiptCheck, SlipView } from '@yibao/shared'
import type { CertificateDocument } from './certificate-pdf'
import { renderCertificatePdf } from './certificate-pdf'
import { loadCjkFont } from './pdf'
import { renderReceiptPdf } from './receipt-pdf'
import { renderSlipPdf } from './slip-pdf'

/**
 * One PDF the BFF prints, as plain data (it crosses to a worker thread by structured clone): the 一站式结算单,
 * the 电子缴费凭证 or the 参保凭证, with what its QR code and print time need.
 */
export type PdfJob
  = | { kind: 'slip', view: SlipView, printedAt: Date, origin: string }
    | { kind: 'receipt', receipt: ReceiptCheck, printedAt: Date, origin: string }
    | { kind: 'certificate', certificate: CertificateDocument, origin: string }

/** Renders a job in the CJK font of `fontSetting` (`SLIP_PDF_FONT`); `null` when no CJK font is usable. */
export async function renderPdfJob(job: PdfJob, fontSetting: string | undefined): Promise<Buffer | null> {
  const font = await loadCjkFont(fontSetting)
  if (!font) return null
  switch (job.kind) {
    case 'slip':
      return renderSlipPdf(job.view, font, job)
    case 'receipt':
      return renderReceiptPdf(job.receipt, font, job)
    case 'certificate':
      return renderCertificatePdf(job.certificate, font, job)
  }
}
