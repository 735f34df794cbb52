import type { ReceiptCheck } from '@yibao/shared'
import type { CjkFont } from './pdf'
import { absoluteUrl, formatFen, RECEIPT_PRINT_LABELS as L, receiptVerifyPath, toShanghaiIso } from '@yibao/shared'
import { drawVerifyQr, PAGE, startPdf } from './pdf'

/**
 * One person's 电子缴费凭证 as an A4 PDF: the masked facts the public check shows, the receipt's status
 * (a refunded or duplicate payment's receipt says 作废 first, in red, as the check does), and the QR code
 * of the public 缴费凭证核验 page with its address.
 */

const MARGIN = PAGE.margin
const CONTENT = PAGE.width - 2 * MARGIN
const ROW = 26
const LABEL = 110
const RED = '#b42318'

function moment(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
}

function fill(template: string, n: number | string): string {
  return template.replace('{n}', String(n))
}

/**
 * Renders a receipt's facts (already masked) to PDF bytes. `origin` is the public origin of the web app,
 * for the address of the verification page in the QR code.
 *
 * @example
 * const font = await loadCjkFont()
 * if (font) await renderReceiptPdf(facts, font, { printedAt: new Date(), origin: 'https://yibao.example.gov.cn' })
 */
export async function renderReceiptPdf(
  receipt: ReceiptCheck,
  font: CjkFont,
  at: { printedAt: Date, origin: string },
): Promise<Buffer> {
  const { doc, bytes } = startPdf(font, { Title: `${L.title} ${receipt.code}` })
  let y = MARGIN
  doc.fontSize(16).fillColor('#000').text(L.title, MARGIN, y, { width: CONTENT, align: 'center' })
  y += 30
  doc.fontSize(9).fillColor('#333')
    .text(`${L.code}：${receipt.code}`, MARGIN, y, { width: CONTENT / 2 })
    .text(`${L.printedAt}：${moment(toShanghaiIso(at.printedAt))}`, MARGIN + CONTENT / 2, y, {
      width: CONTENT / 2,
      align: 'right',
    })
  y += 20

  // A void receipt must not be mistaken for proof of payment: said before any fact, in red.
  if (!receipt.valid) {
    const lines = [
      receipt.duplicate ? L.duplicate : L.refunded,
      ...(receipt.refundedAt ? [fill(L.refundedAt, moment(receipt.refundedAt))] : []),
      receipt.duplicate ? L.duplicateHint : L.refundedHint,
    ]
    const height = 18 + 16 * lines.length
    doc.lineWidth(2).rect(MARGIN, y, CONTENT, height).stroke(RED).lineWidth(1)
    doc.fontSize(14).fillColor(RED).text(lines[0]!, MARGIN + 10, y + 8, { width: CONTENT - 20 })
    doc.fontSize(10).fillColor('#000')
    lines.slice(1).forEach((text, i) => doc.text(text, MARGIN + 10, y + 30 + 16 * i, { width: CONTENT - 20 }))
    y += height + 12
  }

  const status = receipt.valid ? L.valid : receipt.duplicate ? L.duplicate : L.refunded
  const rows: [string, string][] = [
    [L.status, status],
    [L.name, receipt.name],
    [L.certNo, receipt.certNo],
    [L.year, fill(L.yearValue, receipt.year)],
    [L.region, receipt.regionCode],
    [L.amount, formatFen(receipt.amountFen)],
    [L.paidAt, moment(receipt.paidAt)],
    ...(receipt.valid ? [[L.reported, receipt.reported ? L.reportedYes : L.reportedNo] as [string, string]] : []),
    [L.code, receipt.code],
  ]
  for (const [label, value] of rows) {
    doc.rect(MARGIN, y, LABEL, ROW).fillAndStroke('#eef1f5', '#000')
    doc.rect(MARGIN + LABEL, y, CONTENT - LABEL, ROW).stroke('#000')
    doc.fontSize(10).fillColor('#333').text(label, MARGIN + 6, y + 8, { width: LABEL - 12, lineBreak: false })
    doc.fillColor(label === L.status && !receipt.valid ? RED : '#000')
      .text(value, MARGIN + LABEL + 6, y + 8, { width: CONTENT - LABEL - 12, lineBreak: false, ellipsis: true })
    y += ROW
  }

  y += 16
  const qr = 96
  const top = y
  const beside = { width: CONTENT - qr - 12 }
  doc.fontSize(10).fillColor('#000').text(L.verifyQr, MARGIN, y, beside)
  doc.fontSize(9).fillColor('#333').text(L.footer, MARGIN, doc.y + 6, beside)
  drawVerifyQr(doc, absoluteUrl(at.origin, receiptVerifyPath(receipt.code)), top, qr)
  doc.end()
  return bytes
}
