import { ERROR_MESSAGES } from '@yibao/shared'
import { ApiError, unwrap } from '../../api/errors'

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

function fileNameOf(res: Response): string {
  const disposition = res.headers.get('content-disposition') ?? ''
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1]
  return utf8 ? decodeURIComponent(utf8) : '参保证明.pdf'
}

/** Runs the request; a PDF answer becomes an object URL (revoke it when done), anything else throws ApiError. */
export async function fetchCertificate(call: Promise<Response>): Promise<DownloadedCertificate> {
  const res = await call.catch(() => null)
  // No answer at all: `unwrap` says so in its one way (网络连接失败).
  if (!res) return unwrap(call).then(() => { throw new ApiError('INTERNAL', ERROR_MESSAGES.INTERNAL, 0) })
  if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('application/pdf')) {
    // The error envelope, read as every other call reads it.
    await unwrap(Promise.resolve(res))
    throw new ApiError('INTERNAL', ERROR_MESSAGES.INTERNAL, res.status)
  }
  const blob = await res.blob()
  return { code: res.headers.get('x-certificate-code') ?? '', url: URL.createObjectURL(blob), fileName: fileNameOf(res) }
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
