/** The session's CSRF token, echoed in `X-CSRF-Token` on every state-changing request. */
let token: string | null = null

export function setCsrfToken(value: string | null) {
  token = value
}

export function csrfHeaders(): Record<string, string> {
  return token ? { 'X-CSRF-Token': token } : {}
}
