import { inflateSync } from 'node:zlib'

/**
 * The text a reader sees in a PDF written by pdfkit, one line per text object (BT … ET), for tests.
 * pdfkit writes text as hex glyph ids of a subset font inside compressed content streams, so the bytes
 * never hold the text itself: this inflates the streams and maps each glyph back through its font's
 * ToUnicode CMap (a standard font without one is read as single bytes). Enough for pdfkit's own output,
 * not a general PDF parser.
 */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1')
  const objects = new Map<string, { dict: string, stream: string | null }>()
  for (const m of source.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const [, id, body] = m as unknown as [string, string, string]
    const split = /^([\s\S]*?)stream\r?\n([\s\S]*)\r?\nendstream/.exec(body)
    if (!split) {
      objects.set(id, { dict: body, stream: null })
      continue
    }
    const [, dict, raw] = split as unknown as [string, string, string]
    const bytes = Buffer.from(raw, 'latin1')
    objects.set(id, { dict, stream: dict.includes('/FlateDecode') ? inflateSync(bytes).toString('latin1') : raw })
  }

  // Font resource names (/F1, /F2 …, unique in a pdfkit document) → glyph id (hex) → text.
  const fonts = new Map<string, Map<string, string> | null>()
  for (const { dict } of objects.values()) {
    for (const [, name, ref] of dict.matchAll(/\/(F\d+) (\d+) 0 R/g) as Iterable<[string, string, string]>) {
      const unicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(ref)?.dict ?? '')
      fonts.set(name, unicode ? toUnicode(objects.get(unicode[1]!)?.stream ?? '') : null)
    }
  }

  const lines: string[] = []
  for (const { stream } of objects.values()) {
    if (!stream?.includes('BT')) continue
    for (const [, block] of stream.matchAll(/\bBT\b([\s\S]*?)\bET\b/g) as Iterable<[string, string]>) {
      let font: Map<string, string> | null = null
      let line = ''
      for (const op of block.matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] TJ|<([0-9a-f]*)> Tj/gi)) {
        if (op[1]) font = fonts.get(op[1]) ?? null
        const shown = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-f]*)>/gi)].map(h => h[1]!) : [op[3]]
        const hexes = shown.filter(h => h !== undefined)
        for (const hex of hexes) line += decode(hex, font)
      }
      lines.push(line)
    }
  }
  return lines.join('\n')
}

/** A pdfkit ToUnicode CMap: `<start> <end> [<u> …]` and `<start> <end> <u>` ranges, `<id> <u>` chars. */
function toUnicode(cmap: string): Map<string, string> {
  const map = new Map<string, string>()
  const text = (hex: string) => String.fromCodePoint(...(hex.match(/.{4}/g) ?? []).map(h => Number.parseInt(h, 16)))
  const id = (n: number) => n.toString(16).padStart(4, '0')
  for (const [, ranges] of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g) as Iterable<[string, string]>) {
    for (const [, from, to, list, first] of ranges.matchAll(/<(\w+)> <(\w+)> (?:\[([^\]]*)\]|<(\w+)>)/g)) {
      const start = Number.parseInt(from!, 16)
      if (list !== undefined) {
        [...list.matchAll(/<(\w+)>/g)].forEach((u, i) => map.set(id(start + i), text(u[1]!)))
        continue
      }
      // One code point per glyph, counting up from the first.
      for (let g = start; g <= Number.parseInt(to!, 16); g++)
        map.set(id(g), String.fromCodePoint(Number.parseInt(first!, 16) + g - start))
    }
  }
  for (const [, chars] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g) as Iterable<[string, string]>) {
    for (const [, from, to] of chars.matchAll(/<(\w+)> <(\w+)>/g))
      map.set(from!.toLowerCase().padStart(4, '0'), text(to!))
  }
  return map
}

function decode(hex: string, font: Map<string, string> | null): string {
  if (!font) return Buffer.from(hex, 'hex').toString('latin1')
  return (hex.toLowerCase().match(/.{4}/g) ?? []).map(g => font.get(g) ?? '\uFFFD').join('')
}
