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
