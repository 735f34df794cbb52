import type { PdfJob } from './pdf-jobs'
import type { AppError } from './errors'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { pdfText } from '../testing/pdf'
import { createLogger } from './logger'
import { createPdfRenderer } from './pdf-pool'

/** A 参保凭证 of `name` (the smallest of the three documents to set up). */
function certificateJob(name: string): PdfJob {
  return {
    kind: 'certificate',
    certificate: {
      name,
      certNoMasked: '370502********2021',
      regionCode: '370502',
      years: [{ year: 2026, categoryLabel: '成年居民', statusLabel: '正常参保', paid: true, fullyFunded: false }],
      code: 'ABCD-EFGH-JKMN',
      issuedAt: new Date('2026-11-22T04:00:00Z'),
      validUntil: '2026-12-22',
    },
    origin: 'https://yibao.example.gov.cn',
  }
}

function capture() {
  const lines: Record<string, unknown>[] = []
  const logger = createLogger('info', new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>)
      cb()
    },
  }))
  return { lines, logger }
}

const renderers: ReturnType<typeof createPdfRenderer>[] = []
function renderer(threads: number, fontSetting?: string) {
  const r = createPdfRenderer({ threads, fontSetting })
  renderers.push(r)
  return r
}
afterEach(async () => {
  await Promise.all(renderers.splice(0).map(r => r.close()))
})

describe('PDFs on worker threads (createPdfRenderer)', () => {
  it('renders on a thread the same document as on the event loop; the thread starts on the first PDF', async () => {
    const { logger } = capture()
    const threaded = renderer(1)
    expect(threaded.stats()).toEqual({ running: 0, rendered: 0 })
    const onThread = await threaded.render(certificateJob('王桂兰'), logger)
    expect(threaded.stats()).toEqual({ running: 1, rendered: 1 })
    const onLoop = await renderer(0).render(certificateJob('王桂兰'), logger)
    expect(Buffer.isBuffer(onThread)).toBe(true)
    expect(onThread.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(pdfText(onThread)).toBe(pdfText(onLoop))
    expect(pdfText(onThread)).toContain('王桂兰')
  })

  it('keeps each PDF to its own job when many render at once on two threads', async () => {
    const { logger } = capture()
    const pool = renderer(2)
    const names = ['王桂兰', '韦秀珍', '张秀英', '李建国', '赵丽华', '陈明德']
    const pdfs = await Promise.all(names.map(n => pool.render(certificateJob(n), logger)))
    pdfs.forEach((pdf, i) => {
      const text = pdfText(pdf)
      expect(text).toContain(names[i])
      for (const other of names.filter((_, j) => j !== i)) expect(text).not.toContain(other)
    })
    expect(pool.stats()).toMatchObject({ rendered: names.length })
    expect(pool.stats().running).toBeLessThanOrEqual(2)
  })

  it('without a CJK font: 503 of the kind of document, logged once, on a thread or on the loop', async () => {
    for (const threads of [1, 0]) {
      const { lines, logger } = capture()
      const error = await renderer(threads, '/nonexistent/font.ttf').render(certificateJob('王桂兰'), logger)
        .then(() => null, (e: AppError) => e)
      expect(error).toMatchObject({ code: 'CERTIFICATE_PDF_UNAVAILABLE', status: 503 })
      expect(lines.filter(l => l.msg === 'no CJK font for PDFs'))
        .toEqual([expect.objectContaining({ setting: '/nonexistent/font.ttf', kind: 'certificate' })])
    }
  })

  it('a job that fails on its thread fails alone: the next one renders', async () => {
    const { logger } = capture()
    const pool = renderer(1)
    const broken = { kind: 'certificate', certificate: { years: null }, origin: 'x' } as unknown as PdfJob
    await expect(pool.render(broken, logger)).rejects.toThrow()
    expect(pdfText(await pool.render(certificateJob('韦秀珍'), logger))).toContain('韦秀珍')
  })

  it('closes its threads, and starts them again for a PDF after', async () => {
    const { logger } = capture()
    const pool = renderer(1)
    await pool.render(certificateJob('王桂兰'), logger)
    await pool.close()
    expect(pool.stats()).toEqual({ running: 0, rendered: 0 })
    expect(pdfText(await pool.render(certificateJob('李建国'), logger))).toContain('李建国')
  })
})
