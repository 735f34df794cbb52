import type * as QrCodeNs from 'qrcode'

type QrCodeModule = typeof QrCodeNs

/** `qrcode` is CommonJS: depending on the bundler its functions sit on the namespace or on `default`. */
async function loadQrCode(): Promise<QrCodeModule> {
  const mod = await import('qrcode') as QrCodeModule & { default?: QrCodeModule }
  return mod.default ?? mod
}

/**
 * A QR code of `text` as an SVG `data:` URL. The `qrcode` library is loaded on first use, outside the
 * entry bundle.
 */
export async function qrDataUrl(text: string): Promise<string> {
  const QRCode = await loadQrCode()
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
}

/**
 * The same QR code as a PNG `data:` URL, large with a wide quiet zone: an image the payer saves and picks from
 * the album in WeChat's 扫一扫 (which reads photos, not SVG).
 */
export async function qrPngDataUrl(text: string): Promise<string> {
  const QRCode = await loadQrCode()
  return QRCode.toDataURL(text, { type: 'image/png', errorCorrectionLevel: 'M', margin: 4, width: 640 })
}
