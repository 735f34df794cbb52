import { fetchPdf } from '../../api/pdf'

/**
 * A 参保证明 PDF from the BFF (a resident's GET or the desk's POST): saved as a file the browser downloads (or
 * opened for printing), with the 验证码 the BFF sends beside it. An error answer becomes the one ApiError with
 * the Chinese message, as any other call.
 */
export interface DownloadedCertificate {
  code: string
  url: string
  fileName: string
}

function fileNameOf(headers: Headers): string {
  const disposition = headers.get('content-disposition') ?? ''
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1]
  return utf8 ? decodeURIComponent(utf8) : '参保证明.pdf'
}

/** Runs the request; a PDF answer becomes an object URL (revoke it when done), anything else throws ApiError. */
export async function fetchCertificate(call: Promise<Response>): Promise<DownloadedCertificate> {
  const { blob, headers } = await fetchPdf(call)
  return { code: headers.get('x-certificate-code') ?? '', url: URL.createObjectURL(blob), fileName: fileNameOf(headers) }
}

/** Saves the file through a temporary link (what a click on a download link does). */
export function saveFile(url: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
}
