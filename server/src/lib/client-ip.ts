import type { Context } from 'hono'

/**
 * The caller's IP address: the socket's peer, or — only behind a trusted proxy — the first
 * X-Forwarded-For hop. In-process test requests have no socket and count as loopback.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? '127.0.0.1'
}
