import type { Font } from 'fontkit'
import { readFile } from 'node:fs/promises'
import { create as openFont } from 'fontkit'
import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'

/**
 * What every PDF of the BFF needs (the 一站式结算单, the 电子缴费凭证): an embedded CJK font, an A4
 * document collected into bytes, and the QR code of a public verification page with its address under it.
 * Chinese needs an embedded CJK font: pdfkit subsets it, so a document is a few tens of KB. The font comes
 * from `SLIP_PDF_FONT` or the first installed of the candidates below (Debian's `fonts-wqy-microhei` is
 * what CI installs). Without one no PDF is rendered: the routes answer a 503 rather than a PDF full of
 * empty boxes.
 */

/**
 * A font file, for a collection (.ttc) the PostScript name of the face to use, and that face parsed once
 * (fontkit): every document embeds its own subset of this one face. Handing pdfkit the file's bytes instead
 * made it parse the 5 MB collection and lay out every glyph from cold for each document (~300 ms a
 * document, against ~13 ms with the face shared).
 */
export interface CjkFont {
  path: string
  postscriptName: string | undefined
  face: Font
  /**
   * pdfkit's layouts of text runs in this face, shared by every document (pdfkit keeps one per document): the
   * same labels are shaped once, not once per slip. A run depends only on the face and the text.
   */
  layouts: LayoutCache
}

/** pdfkit's `layoutCache` of an embedded font: text run → glyphs and positions (read, never changed). */
type LayoutCache = Record<string, unknown>

/** The shared layouts start again past this many runs (amounts and names make new ones without end). */
export const MAX_SHARED_LAYOUTS = 5_000

/** Fonts tried in order when `SLIP_PDF_FONT` is not set. */
export const CJK_FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#WenQuanYiMicroHei',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#WenQuanYiZenHei',
] as const

const cache = new Map<string, Promise<CjkFont | null>>()

async function tryLoad(setting: string): Promise<CjkFont | null> {
  const [path, postscriptName] = setting.split('#') as [string, string | undefined]
  try {
    const opened = openFont(await readFile(path), postscriptName)
    // A collection opened without a face name is not a font.
    if (!('layout' in opened)) return null
    const font: CjkFont = { path, postscriptName, face: withCharactersKept(opened), layouts: Object.create(null) }
    // Check that pdfkit can use it now, not halfway through a document.
    registerCjk(new PDFDocument({ autoFirstPage: false }), font)
    return font
  }
  catch {
    return null
  }
}

/**
 * fontkit keeps one glyph object per glyph id, with the characters of its first request. Embedding a subset
 * asks for the parts of composite glyphs (门 inside 间) with no character, so once the face is shared a later
 * document drawing 门 itself got a glyph mapped to nothing in its ToUnicode map: text that cannot be read
 * out, searched or copied. A request that names the characters gives them to a glyph that has none.
 */
function withCharactersKept(face: Font): Font {
  const getGlyph = face.getGlyph.bind(face)
  face.getGlyph = (id: number, codePoints?: number[]) => {
    const glyph = getGlyph(id, codePoints)
    if (glyph && glyph.codePoints.length === 0 && codePoints?.length) glyph.codePoints = codePoints
    if (glyph) decodedOnce(glyph as unknown as GlyphInternals)
    return glyph
  }
  return face
}

/** What fontkit's TrueType glyph keeps to itself: `_decode` reads the glyph's outline from the file. */
interface GlyphInternals {
  _decode?: () => unknown
  decodedOnce?: true
}

/**
 * Every subset a document embeds decodes the outline of each of its glyphs again (fontkit's `TTFSubset`), about
 * a sixth of a slip's time; a glyph of the shared face is the same in every document, so it is decoded once.
 */
function decodedOnce(glyph: GlyphInternals): void {
  const decode = glyph._decode
  if (glyph.decodedOnce || !decode) return
  let decoded: { value: unknown } | undefined
  glyph._decode = () => (decoded ??= { value: decode.call(glyph) }).value
  glyph.decodedOnce = true
}

/** The CJK font for PDFs (loaded once per setting), or `null` when none is usable. */
export function loadCjkFont(setting?: string): Promise<CjkFont | null> {
  const key = setting ?? ''
  let found = cache.get(key)
  if (!found) {
    found = (async () => {
      for (const candidate of setting ? [setting] : CJK_FONT_CANDIDATES) {
        const font = await tryLoad(candidate)
        if (font) return font
      }
      return null
    })()
    cache.set(key, found)
  }
  return found
}

/** A4 in points, and the margin every document keeps. */
export const PAGE = { width: 595.28, height: 841.89, margin: 40 } as const

/**
 * A new A4 document set in the CJK font (registered as `cjk`), and its bytes once `doc.end()` is called.
 *
 * @example
 * const { doc, bytes } = startPdf(font, { Title: '电子缴费凭证' })
 * doc.text('…')
 * doc.end()
 * return bytes
 */
export function startPdf(font: CjkFont, info: { Title: string }): { doc: PDFKit.PDFDocument, bytes: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    info: { ...info, Author: '医保自助', Creator: 'yibao', Producer: 'yibao (pdfkit)' },
    lang: 'zh-CN',
    // No Helvetica first (pdfkit parses its metrics for every document): the CJK font is set right below.
    font: null as unknown as string,
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  registerCjk(doc, font)
  return { doc, bytes }
}

/** Registers the shared face as `cjk` and sets it (pdfkit 0.20 takes a fontkit font as well as bytes). */
function registerCjk(doc: PDFKit.PDFDocument, font: CjkFont): void {
  doc.registerFont('cjk', font.face as unknown as PDFKit.Mixins.PDFFontSource)
  doc.font('cjk')
  const embedded = (doc as unknown as { _font: { layoutCache?: LayoutCache } })._font
  if (!embedded.layoutCache) return
  if (Object.keys(font.layouts).length > MAX_SHARED_LAYOUTS) font.layouts = Object.create(null)
  embedded.layoutCache = font.layouts
}

/**
 * Draws a QR code of `text` as vector squares (sharp at any print size), `size` points wide with its top
 * left corner at (x, y), on white with the standard four-module quiet zone inside `size`. Error correction
 * M, as the web app's QR codes.
 */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const quiet = 4
  const cell = size / (modules.size + 2 * quiet)
  doc.save()
  doc.rect(x, y, size, size).fill('#fff')
  for (let row = 0; row < modules.size; row++) {
    // One rectangle per run of dark modules in a row: a few hundred operators instead of thousands.
    for (let col = 0; col < modules.size;) {
      if (!modules.get(row, col)) {
        col++
        continue
      }
      const start = col
      while (col < modules.size && modules.get(row, col)) col++
      doc.rect(x + (quiet + start) * cell, y + (quiet + row) * cell, (col - start) * cell, cell)
    }
  }
  doc.fill('#000')
  doc.restore()
}

/** Height of the block {@link drawVerifyQr} draws for a QR code of `size` points. */
export function verifyQrHeight(size: number): number {
  return size + 14
}

/**
 * The QR code of a public verification page at the right edge of the content from `y` down, with the
 * page's address printed under it (right-aligned, one line, and a link in a PDF reader): whoever holds
 * the paper scans it or types the address. Returns the y under the block.
 */
export function drawVerifyQr(doc: PDFKit.PDFDocument, url: string, y: number, size = 84): number {
  const right = PAGE.width - PAGE.margin
  drawQr(doc, url, right - size, y, size)
  const content = PAGE.width - 2 * PAGE.margin
  doc.fontSize(8).fillColor('#000')
    .text(url, PAGE.margin, y + size + 3, { width: content, align: 'right', lineBreak: false, link: url })
  return y + verifyQrHeight(size)
}
