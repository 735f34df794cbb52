import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'
import { pdfText } from '../testing/pdf'
import { drawQr, drawVerifyQr, loadCjkFont, MAX_SHARED_LAYOUTS, startPdf } from './pdf'

const URL_ = 'https://yibao.example.gov.cn/slips/verify?code=7K2M-9QXA-B3TD&setlId=52273220250820000012'

describe('PDF helpers', () => {
  it('draws exactly the dark modules of the QR code of the text, inside the square, with a quiet zone', () => {
    const rects: [number, number, number, number][] = []
    const doc = {
      save: () => doc,
      restore: () => doc,
      fill: () => doc,
      rect: (x: number, y: number, w: number, h: number) => {
        rects.push([x, y, w, h])
        return doc
      },
    }
    drawQr(doc as unknown as PDFKit.PDFDocument, URL_, 100, 200, 84)
    const { modules } = QRCode.create(URL_, { errorCorrectionLevel: 'M' })
    const cell = 84 / (modules.size + 8)
    // The first rectangle is the white ground; every other one covers a run of dark modules of one row.
    expect(rects[0]).toEqual([100, 200, 84, 84])
    const dark = new Set<string>()
    for (const [x, y, w, h] of rects.slice(1)) {
      expect(h).toBeCloseTo(cell, 9)
      const row = Math.round((y - 200) / cell) - 4
      const from = Math.round((x - 100) / cell) - 4
      for (let col = from; col < from + Math.round(w / cell); col++) dark.add(`${row},${col}`)
    }
    const expected = new Set<string>()
    for (let r = 0; r < modules.size; r++) {
      for (let c = 0; c < modules.size; c++) {
        if (modules.get(r, c)) expected.add(`${r},${c}`)
      }
    }
    expect(dark).toEqual(expected)
    expect(Math.min(...rects.slice(1).map(([x]) => x))).toBeCloseTo(100 + 4 * cell, 9)
  })

  it('prints the verification address under its QR code, as text and as a link', async () => {
    const font = await loadCjkFont()
    expect(font, 'a CJK font (fonts-wqy-microhei) is installed').not.toBeNull()
    const { doc, bytes } = startPdf(font!, { Title: '测试' })
    doc.fontSize(12).text('核验二维码', 40, 40)
    const below = drawVerifyQr(doc, URL_, 80)
    doc.end()
    const pdf = await bytes
    expect(pdfText(pdf).split('\n')).toEqual(['核验二维码', URL_])
    expect(pdf.toString('latin1')).toContain(`/URI (${URL_})`)
    expect(below).toBe(80 + 84 + 14)
  })

  it('shares one parsed face, yet each document embeds only its own glyphs, also when made at the same time', async () => {
    const font = await loadCjkFont()
    expect(font, 'a CJK font (fonts-wqy-microhei) is installed').not.toBeNull()
    expect(await loadCjkFont()).toBe(font)
    const render = async (text: string) => {
      const { doc, bytes } = startPdf(font!, { Title: '测试' })
      doc.fontSize(12).text(text, 40, 40)
      doc.end()
      return bytes
    }
    const small = '医保'
    // Many distinct glyphs: 一 (U+4E00) onwards.
    const large = Array.from({ length: 600 }, (_, i) => String.fromCodePoint(0x4E00 + i)).join('')
    const before = await render(small)
    const [big, smallMeanwhile] = await Promise.all([render(large), render(small)])
    const after = await render(small)
    expect(pdfText(smallMeanwhile)).toBe(small)
    expect(pdfText(after)).toBe(small)
    expect(pdfText(big).replace(/\s+/g, '')).toBe(large)
    // A small document stays small: the glyphs of the large one never leak into another document's subset.
    expect(big.length).toBeGreaterThan(before.length * 5)
    expect(Math.abs(after.length - before.length)).toBeLessThan(200)
    expect(Math.abs(smallMeanwhile.length - before.length)).toBeLessThan(200)
  })

  it('keeps the text of a glyph readable after another document drew it only as part of a bigger character', async () => {
    const font = await loadCjkFont()
    expect(font, 'a CJK font (fonts-wqy-microhei) is installed').not.toBeNull()
    const render = async (text: string) => {
      const { doc, bytes } = startPdf(font!, { Title: '测试' })
      doc.fontSize(12).text(text, 40, 40)
      doc.end()
      return bytes
    }
    // In WenQuanYi Micro Hei 间, 问 and 闻 are composite glyphs built from the glyph of 门: embedding them reads
    // 门 from the shared face as a bare component, with no character of its own.
    expect(pdfText(await render('时间问闻'))).toBe('时间问闻')
    // 门 drawn afterwards in its own right must still read 门 (税务部门 on every receipt), not nothing.
    expect(pdfText(await render('税务部门已入账'))).toBe('税务部门已入账')
  })

  it('shapes a run of text once for every document, and starts the shared runs again past their bound', async () => {
    const font = (await loadCjkFont())!
    expect(font, 'a CJK font (fonts-wqy-microhei) is installed').not.toBeNull()
    const shaped: string[] = []
    const layout = font.face.layout.bind(font.face)
    font.face.layout = (text: string, ...rest: unknown[]) => {
      shaped.push(text)
      return (layout as (...a: unknown[]) => ReturnType<typeof layout>)(text, ...rest)
    }
    const render = async (text: string) => {
      const { doc, bytes } = startPdf(font, { Title: '测试' })
      doc.fontSize(12).text(text, 40, 40)
      doc.end()
      return bytes
    }
    try {
      const text = `基本医保统筹基金支付 ${Date.now()}`
      const first = await render(text)
      expect(shaped).toContain('基本医保统筹基金支付 ')
      shaped.length = 0
      // Another document with the same text: nothing shaped again, and the same text comes out.
      const second = await render(text)
      expect(shaped).toEqual([])
      expect(pdfText(second)).toBe(pdfText(first))
      expect(pdfText(second)).toBe(text)
      // Past the bound, the next document starts a new set of runs: the old one is let go.
      const full = Object.fromEntries(Array.from({ length: MAX_SHARED_LAYOUTS + 1 }, (_, i) => [`run ${i}`, {}]))
      font.layouts = full
      expect(pdfText(await render(text))).toBe(text)
      expect(font.layouts).not.toBe(full)
      expect(Object.keys(full)).toHaveLength(MAX_SHARED_LAYOUTS + 1)
      expect(shaped).toContain('基本医保统筹基金支付 ')
    }
    finally {
      font.face.layout = layout
    }
  })

  it('decodes a glyph of the shared face once, for every subset that embeds it', async () => {
    const font = (await loadCjkFont())!
    expect(font, 'a CJK font (fonts-wqy-microhei) is installed').not.toBeNull()
    const glyph = font.face.glyphForCodePoint('税'.codePointAt(0)!) as unknown as { _decode: () => unknown }
    const decoded = glyph._decode()
    expect(decoded).toMatchObject({ numberOfContours: expect.any(Number) })
    expect(glyph._decode()).toBe(decoded)
  })
})
