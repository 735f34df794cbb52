/**
 * Paths of the public verification pages (no sign-in) that printed QR codes and links point to: the
 * web app's routes, so the server (PDFs) and the web app (screens and print views) build the same address.
 * A path carries no name or ID number: a receipt's code, or a slip's code and its settlement id.
 */

/** 缴费凭证核验 of one electronic payment receipt (电子缴费凭证), e.g. `/receipts/verify?code=ABCD-…`. */
export function receiptVerifyPath(code: string): string {
  return `/receipts/verify?code=${encodeURIComponent(code)}`
}

/**
 * 结算单核验 of one settlement slip: its 校验码 and 结算编号. The two amounts the code also binds are left
 * out on purpose: whoever checks reads them off the paper, so an altered figure does not verify.
 */
export function slipVerifyPath(slip: { code: string, setlId: string }): string {
  return `/slips/verify?code=${encodeURIComponent(slip.code)}&setlId=${encodeURIComponent(slip.setlId)}`
}

/** An absolute address from an origin (`https://yibao.example.gov.cn`, no trailing slash needed) and a path. */
export function absoluteUrl(origin: string, path: string): string {
  return `${origin.replace(/\/+$/, '')}${path}`
}
