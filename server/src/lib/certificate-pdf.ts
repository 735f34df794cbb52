import type { CertificateYear } from '@yibao/shared'
import type { CjkFont } from './pdf'
import { absoluteUrl, CERTIFICATE_PRINT_LABELS as L, certificateVerifyPath, toShanghaiIso } from '@yibao/shared'
import { regionFullName } from '@yibao/shared/region-names'
import { drawVerifyQr, PAGE, startPdf, verifyQrHeight } from './pdf'

/**
 * The 参保证明 as a one-page A4 PDF: the person (name, masked ID number, region by its GB/T 2260 name), a
 * table of benefit years with 人员类别, 参保状态 and whether the year is paid, the issue day (Shanghai), the
 * validity, and the 验证码 with the QR code of the public 参保证明核验 page.
 */

const MARGIN = PAGE.margin
const CONTENT = PAGE.width - 2 * MARGIN
const ROW = 24
const LABEL = 96
const QR = 96
/** Rows of years that fit on the one page above the verification block. */
const MAX_YEARS = 16

function fill(template: string, n: number | string): string {
  return template.replace('{n}', String(n))
}

export interface CertificateDocument {
  name: string
  certNoMasked: string
  regionCode: string
  years: CertificateYear[]
  code: string
  issuedAt: Date
  /** YYYY-MM-DD (Shanghai), inclusive. */
  validUntil: string
}

function paidText(y: CertificateYear): string {
  if (!y.paid) return L.paidNo
  return y.fullyFunded ? L.paidFunded : L.paidYes
}

/** Renders a certificate to PDF bytes; `origin` is the web app's public origin for the QR code. */
export async function renderCertificatePdf(
  cert: CertificateDocument,
  font: CjkFont,
  at: { origin: string },
): Promise<Buffer> {
  const { doc, bytes } = startPdf(font, { Title: `${L.title} ${cert.code}` })
  let y = MARGIN + 10
  doc.fontSize(18).fillColor('#000').text(L.title, MARGIN, y, { width: CONTENT, align: 'center' })
  y += 40
  doc.fontSize(11).fillColor('#000').text(L.intro, MARGIN, y, { width: CONTENT })
  y += 24

  const rows: [string, string][] = [
    [L.name, cert.name],
    [L.certNo, cert.certNoMasked],
    [L.region, regionFullName(cert.regionCode)],
    [L.insurance, L.insuranceValue],
  ]
  for (const [label, value] of rows) {
    doc.rect(MARGIN, y, LABEL, ROW).fillAndStroke('#eef1f5', '#000')
    doc.rect(MARGIN + LABEL, y, CONTENT - LABEL, ROW).stroke('#000')
    doc.fontSize(10).fillColor('#333').text(label, MARGIN + 6, y + 7, { width: LABEL - 12, lineBreak: false })
    doc.fillColor('#000')
      .text(value, MARGIN + LABEL + 6, y + 7, { width: CONTENT - LABEL - 12, lineBreak: false, ellipsis: true })
    y += ROW
  }
  y += 14

  const widths = [CONTENT * 0.2, CONTENT * 0.3, CONTENT * 0.22, CONTENT * 0.28]
  const line = (cells: string[], header = false) => {
    let x = MARGIN
    cells.forEach((text, i) => {
      const w = widths[i]!
      if (header) doc.rect(x, y, w, ROW).fillAndStroke('#eef1f5', '#000')
      else doc.rect(x, y, w, ROW).stroke('#000')
      doc.fontSize(10).fillColor(header ? '#333' : '#000')
        .text(text, x + 6, y + 7, { width: w - 12, lineBreak: false, ellipsis: true })
      x += w
    })
    y += ROW
  }
  line([L.year, L.category, L.status, L.paid], true)
  if (cert.years.length === 0) line([L.noYears, '', '', ''])
  for (const yr of cert.years.slice(0, MAX_YEARS))
    line([fill(L.yearValue, yr.year), yr.categoryLabel ?? L.none, yr.statusLabel, paidText(yr)])
  y += 18

  doc.fontSize(10).fillColor('#000')
    .text(`${L.issuer}：${L.issuerValue}`, MARGIN, y, { width: CONTENT })
  const dates = `${L.issuedAt}：${toShanghaiIso(cert.issuedAt).slice(0, 10)}    ${L.validUntil}：${cert.validUntil}`
  doc.text(dates, MARGIN, doc.y + 4, { width: CONTENT })
  y = doc.y + 16

  if (y + verifyQrHeight(QR) > PAGE.height - MARGIN) y = PAGE.height - MARGIN - verifyQrHeight(QR)
  const top = y
  const beside = { width: CONTENT - QR - 12 }
  doc.fontSize(13).fillColor('#000').text(`${L.code}：${cert.code}`, MARGIN, y, beside)
  doc.fontSize(9).fillColor('#333').text(L.verifyQr, MARGIN, doc.y + 6, beside)
  doc.text(L.footer, MARGIN, doc.y + 4, beside)
  drawVerifyQr(doc, absoluteUrl(at.origin, certificateVerifyPath(cert.code)), top, QR)
  doc.end()
  return bytes
}
