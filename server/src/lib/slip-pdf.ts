import type { SlipView } from '@yibao/shared'
import type { CjkFont } from './pdf'
import {
  absoluteUrl,
  formatFen,
  HOSPITAL_LEVEL_LABELS,
  SLIP_PRINT_LABELS as L,
  slipVerifyPath,
  toShanghaiIso,
} from '@yibao/shared'
import { drawVerifyQr, PAGE, startPdf, verifyQrHeight } from './pdf'

/**
 * The A4 一站式结算单 as a PDF (pdfkit, in the CJK font of `./pdf`), ending with its 校验码 and the QR
 * code of the public 结算单核验 page.
 */

const MARGIN = PAGE.margin
const CONTENT = PAGE.width - 2 * MARGIN
const ROW = 22
/** Text size and inner padding of a grid cell. */
const CELL_FONT = 9.5
const CELL_PAD = 4

/**
 * Column widths of a label/value grid (two pairs a row): the label column is as wide as its longest label
 * (`measure` at the cell's font size, e.g. 基本医保统筹基金支付), so no label is cut off, and the values keep
 * at least 80 pt.
 */
export function gridWidths(labels: string[], measure: (text: string) => number): [number, number, number, number] {
  const longest = Math.max(0, ...labels.map(measure))
  const label = Math.min(Math.ceil(longest) + 2 * CELL_PAD + 1, CONTENT / 2 - 80)
  return [label, CONTENT / 2 - label, label, CONTENT / 2 - label]
}

function fill(template: string, n: number | string): string {
  return template.replace('{n}', String(n))
}

function moment(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : L.none
}

function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : L.none
}

/** Size of the QR code of the verification page (points; about 30 mm). */
const QR_SIZE = 84

/**
 * Renders a slip view (already masked) to PDF bytes. `origin` is the public origin of the web app, for the
 * address of the verification page in the QR code.
 *
 * @example
 * const font = await loadCjkFont()
 * if (font) await renderSlipPdf(view, font, { printedAt: new Date(), origin: 'https://yibao.example.gov.cn' })
 */
export async function renderSlipPdf(
  view: SlipView,
  font: CjkFont,
  at: { printedAt: Date, origin: string },
): Promise<Buffer> {
  const { doc, bytes } = startPdf(font, { Title: `${L.title} ${view.id}` })

  let y = MARGIN
  doc.fontSize(16).fillColor('#000').text(L.title, MARGIN, y, { width: CONTENT, align: 'center' })
  y += 30
  doc.fontSize(9).fillColor('#333')
    .text(`${L.setlId}：${view.id}`, MARGIN, y, { width: CONTENT / 2 })
    .text(`${L.settledAt}：${moment(view.settledAt)}`, MARGIN + CONTENT / 2, y, { width: CONTENT / 2, align: 'right' })
  y += 18

  const section = (title: string) => {
    doc.rect(MARGIN, y, CONTENT, ROW).fillAndStroke('#eef1f5', '#000')
    doc.fillColor('#000').fontSize(11).text(title, MARGIN + 6, y + 5, { width: CONTENT - 12 })
    y += ROW
  }
  // Rows of label/value pairs, two pairs per row.
  const grid = (pairs: [string, string][]) => {
    const widths = gridWidths(pairs.map(([label]) => label), text => doc.fontSize(CELL_FONT).widthOfString(text))
    for (let i = 0; i < pairs.length; i += 2) {
      const row = [pairs[i]!, pairs[i + 1] ?? ['', '']]
      let x = MARGIN
      row.forEach(([label, value], j) => {
        for (const [k, text] of [[0, label], [1, value]] as const) {
          const w = widths[j * 2 + k]!
          doc.rect(x, y, w, ROW).stroke('#000')
          doc.fillColor(k === 0 ? '#333' : '#000').fontSize(CELL_FONT)
            .text(text, x + CELL_PAD, y + 6, { width: w - 2 * CELL_PAD, height: ROW - 6, ellipsis: true, lineBreak: false })
          x += w
        }
      })
      y += ROW
    }
  }
  const a = view.amounts
  const money = (fen: number) => formatFen(fen)

  section(L.basicInfo)
  grid([
    [L.name, view.person.name],
    [L.certNo, view.person.certNo],
    [L.sex, L.sexes[view.person.sex]],
    [L.age, view.person.age === null ? L.none : fill(L.ageValue, view.person.age)],
    [L.hospital, view.hospital.name],
    [L.grade, view.hospital.grade ?? (view.hospital.level ? HOSPITAL_LEVEL_LABELS[view.hospital.level] : L.none)],
    [L.medType, view.medTypeLabel],
    [L.region, view.regionCode ?? L.none],
    [L.admittedAt, day(view.admittedAt)],
    [L.dischargedAt, day(view.dischargedAt)],
    [L.days, view.days === null ? L.none : fill(L.daysValue, view.days)],
    [L.diagnosis, view.diagnosis ?? L.none],
  ])
  y += 8
  section(L.costs)
  grid([
    [L.total, money(a.total)],
    [L.inPolicy, money(a.inPolicy)],
    [L.outOfList, money(a.outOfList)],
    [L.overLimit, money(a.overLimit)],
    [L.preSelfPay, money(a.preSelfPay)],
    [L.deductible, money(a.deductible)],
  ])
  y += 8
  section(L.payments)
  grid([
    [L.basic, money(a.basic)],
    [L.basicRate, view.basicRate === null ? L.none : `${Math.round(view.basicRate * 1000) / 10}%`],
    [L.critical, money(a.critical)],
    [L.assistance, money(a.assistance)],
    [L.other, money(a.other)],
    [L.fundTotal, money(a.fundTotal)],
    [L.hospitalPart, money(a.hospital)],
    [L.personalBurden, money(a.personalBurden)],
    [L.personalCash, money(a.personalCash)],
  ])
  y += 8
  section(L.funds)
  const widths = [110, CONTENT - 260, 150]
  const line = (cells: string[], header = false) => {
    let x = MARGIN
    cells.forEach((text, i) => {
      doc.rect(x, y, widths[i]!, ROW).stroke('#000')
      doc.fillColor(header ? '#333' : '#000').fontSize(9.5).text(text, x + 4, y + 6, { width: widths[i]! - 8, align: i === 2 ? 'right' : 'left', lineBreak: false })
      x += widths[i]!
    })
    y += ROW
  }
  line([L.fundCode, L.fundName, L.fundAmount], true)
  for (const f of view.fundLines) line([f.code, f.label, money(f.amount)])

  y += 16
  // The 校验码, how to check it and the QR code stay together: on the next page if this one is full.
  if (y + verifyQrHeight(QR_SIZE) > PAGE.height - MARGIN) {
    doc.addPage()
    y = MARGIN
  }
  const top = y
  const beside = { width: CONTENT - QR_SIZE - 12 }
  doc.fillColor('#000').fontSize(12).text(`${L.verification}：${view.verificationCode}`, MARGIN, y, beside)
  doc.fontSize(9).fillColor('#333').text(L.verificationHint, MARGIN, doc.y + 6, beside)
  doc.text(L.verifyQr, MARGIN, doc.y + 4, beside)
  doc.text(`${L.printedAt}：${moment(toShanghaiIso(at.printedAt))}    ${L.footer}`, MARGIN, doc.y + 4, beside)
  const verifyUrl = absoluteUrl(at.origin, slipVerifyPath({ code: view.verificationCode, setlId: view.id }))
  drawVerifyQr(doc, verifyUrl, top, QR_SIZE)
  doc.end()
  return bytes
}
