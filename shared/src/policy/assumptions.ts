import type { PolicyId } from './ids'
import type { Param, Policy } from './policy-schema'
import { compiledPolicy } from './compile'

/** One parameter whose value the documents do not give. */
export interface AssumedParameter {
  /** Path in the policy data, e.g. `basic.deductible.1`. */
  path: string
  value: unknown
  source: string
  /** One Chinese line: why this value. */
  reason: string
}

function isParam(node: object): node is Param<unknown> {
  return 'value' in node && 'source' in node && typeof (node as { source: unknown }).source === 'string'
}

function walk(node: unknown, path: string, out: AssumedParameter[]): void {
  if (!node || typeof node !== 'object') return
  if (isParam(node)) {
    if (node.assumed && node.reason) out.push({ path, value: node.value, source: node.source, reason: node.reason })
    return
  }
  for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k, out)
}

/** Every assumed parameter of a policy with its value and reason (for an "about these estimates" page). */
export function listAssumptions(policy: Policy | PolicyId): AssumedParameter[] {
  const out: AssumedParameter[] = []
  walk(compiledPolicy(policy).policy, '', out)
  return out
}
