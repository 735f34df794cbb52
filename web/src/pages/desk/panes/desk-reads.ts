import type { DeskTarget } from '../desk-target'
import { ERROR_MESSAGES } from '@yibao/shared'
import { ApiError } from '../../../api/errors'

/**
 * What the read-only panes of the desk (参保待遇, 结算单, 补打凭证) share: whom a read is for, in the POST body
 * only; an error sorted into one that ends the desk session (the page handles it) or one the pane shows; and a
 * PDF fetched as a blob and printed from the page, so no address ever carries the person.
 */

/** The person of a read: the scan's sealed handle, or the ID number typed in. */
export function readTarget(target: DeskTarget): { subject: string } | { certNo: string } {
  return 'subject' in target ? { subject: target.subject } : { certNo: target.certNo }
}

/** The error as an ApiError, and whether it ends the desk session (signed out, second factor needed). */
export function sortError(e: unknown): { error: ApiError, endsSession: boolean } {
  const error = e instanceof ApiError ? e : new ApiError('INTERNAL', ERROR_MESSAGES.INTERNAL, 0)
  return { error, endsSession: error.code === 'UNAUTHENTICATED' || error.code === 'MFA_REQUIRED' }
}

/**
 * Opens the browser's print dialog for a PDF: the blob in a hidden frame of this page (the counter's printer is
 * the default one). The frame and its object URL go with the next print or `releasePrints()`.
 */
export function printPdf(blob: Blob, title: string): HTMLIFrameElement {
  releasePrints()
  const url = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }))
  const frame = document.createElement('iframe')
  frame.className = 'desk-print-frame'
  frame.title = title
  frame.setAttribute('aria-hidden', 'true')
  frame.tabIndex = -1
  frame.dataset.testid = 'desk-print-frame'
  frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0;visibility:hidden'
  frame.addEventListener('load', () => {
    try {
      frame.contentWindow?.focus()
      frame.contentWindow?.print()
    }
    catch {
      // A viewer that cannot print from a frame: the PDF opens in a tab of its own instead.
      window.open(url, '_blank', 'noopener')
    }
  }, { once: true })
  frame.src = url
  document.body.append(frame)
  return frame
}

/** Removes the print frame and frees its PDF. */
export function releasePrints(): void {
  for (const frame of document.querySelectorAll<HTMLIFrameElement>('iframe.desk-print-frame')) {
    URL.revokeObjectURL(frame.src)
    frame.remove()
  }
}
