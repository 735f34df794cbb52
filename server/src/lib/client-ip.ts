import type { Context } from 'hono'
import { BlockList, isIP } from 'node:net'

/**
 * Which X-Forwarded-For entries to believe: none (no proxy), those appended by the last `hops`
 * proxies, or those appended by proxies whose addresses lie in `cidrs`.
 */
export type ProxyTrust = null | { hops: number } | { cidrs: readonly string[] }

/** The settings that describe the trusted proxies (see `env.ts`). */
export interface ProxySettings {
  TRUST_PROXY: boolean
  TRUST_PROXY_HOPS?: number
  TRUST_PROXY_CIDRS?: readonly string[]
}

/** The trust the settings describe (`TRUST_PROXY`, then `TRUST_PROXY_CIDRS` or `TRUST_PROXY_HOPS`, default 1). */
export function proxyTrustOf(env: ProxySettings): ProxyTrust {
  if (!env.TRUST_PROXY) return null
  return env.TRUST_PROXY_CIDRS?.length ? { cidrs: env.TRUST_PROXY_CIDRS } : { hops: env.TRUST_PROXY_HOPS ?? 1 }
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is `10.0.0.1`. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped ? mapped[1]! : address
}

/**
 * The caller's IP address, as a function of the request. Without proxy trust it is the socket's peer.
 * Behind proxies each one appends the address it received the request from to X-Forwarded-For, and
 * whatever the client sent stays on the left: so the client is read from the RIGHT, skipping only what
 * the trusted proxies appended (the leftmost entry is whatever the caller chose to write). In-process
 * test requests have no socket and count as loopback.
 */
export function createClientIp(trust: ProxyTrust): (c: Context) => string {
  let trusted: BlockList | undefined
  if (trust && 'cidrs' in trust) {
    trusted = new BlockList()
    for (const cidr of trust.cidrs) {
      const [address, prefix] = cidr.split('/') as [string, string | undefined]
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
      if (prefix === undefined) trusted.addAddress(address, type)
      else trusted.addSubnet(address, Number(prefix), type)
    }
  }
  const isTrusted = (address: string) => {
    const kind = isIP(address)
    return kind !== 0 && trusted!.check(address, kind === 6 ? 'ipv6' : 'ipv4')
  }
  return (c) => {
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
    const peer = normalise(env?.incoming?.socket?.remoteAddress ?? '127.0.0.1')
    if (!trust) return peer
    const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map(s => normalise(s.trim())).filter(Boolean)
    // Nearest first: the peer, then the entry the last proxy appended, and so on to the left.
    const chain = [peer, ...forwarded.reverse()]
    let index: number
    if ('hops' in trust) {
      // Fewer entries than hops: the request entered the chain at a later proxy; its leftmost entry is still one
      // a trusted proxy wrote.
      index = Math.min(trust.hops, chain.length - 1)
    }
    else {
      index = 0
      while (index < chain.length - 1 && isTrusted(chain[index]!)) index += 1
    }
    const address = chain[index]!
    // A trusted proxy writes addresses; anything else there is not one, so fall back to the nearest hop.
    return isIP(address) ? address : peer
  }
}
