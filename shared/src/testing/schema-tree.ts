import type { z } from 'zod'

/**
 * The shape of a zod request schema as tests need it: which fields are text, with their bounds and
 * patterns, and what the other fields take. Read from zod 4's own definitions (`schema._zod.def`), so
 * property tests derive their inputs from the schemas the routes validate with instead of a list.
 */
export type SchemaNode
  = | {
    kind: 'string'
    schema: z.ZodType
    minLength: number
    maxLength: number | null
    patterns: RegExp[]
    format: string | null
  }
  | { kind: 'number', schema: z.ZodType, min: number | null, max: number | null, int: boolean }
  | { kind: 'boolean', schema: z.ZodType }
  | { kind: 'enum', schema: z.ZodType, values: readonly (string | number | boolean | null)[] }
  | { kind: 'object', schema: z.ZodType, shape: Record<string, SchemaNode> }
  | { kind: 'array', schema: z.ZodType, element: SchemaNode, minLength: number, maxLength: number | null }
  | { kind: 'union', schema: z.ZodType, options: SchemaNode[], discriminator: string | null }
  | { kind: 'optional', schema: z.ZodType, inner: SchemaNode }
  | { kind: 'other', schema: z.ZodType }

interface CheckDef {
  check: string
  minimum?: number
  maximum?: number
  length?: number
  value?: number
  inclusive?: boolean
  format?: string
  pattern?: RegExp
}

interface Def {
  type: string
  checks?: { _zod: { def: CheckDef } }[]
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  options?: z.ZodType[]
  discriminator?: string
  innerType?: z.ZodType
  in?: z.ZodType
  values?: unknown[]
  entries?: Record<string, string | number>
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def
}

function checksOf(def: Def): CheckDef[] {
  return (def.checks ?? []).map(c => c._zod.def)
}

function lengths(checks: CheckDef[]): { minLength: number, maxLength: number | null } {
  let minLength = 0
  let maxLength: number | null = null
  for (const c of checks) {
    if (c.check === 'min_length') minLength = Math.max(minLength, c.minimum ?? 0)
    if (c.check === 'max_length') maxLength = Math.min(maxLength ?? Infinity, c.maximum ?? Infinity)
    if (c.check === 'length_equals') minLength = maxLength = c.length ?? 0
  }
  return { minLength, maxLength }
}

/**
 * The tree of `schema`. `schema` on each node is the outermost schema it stands for (`IdCardNoSchema`
 * for the string inside its pipe), so a test can recognise shared field schemas by identity.
 */
export function schemaTree(schema: z.ZodType, outer: z.ZodType = schema): SchemaNode {
  const def = defOf(schema)
  const checks = checksOf(def)
  switch (def.type) {
    case 'string': {
      const patterns = checks.filter(c => c.check === 'string_format' && c.pattern).map(c => c.pattern!)
      const format = checks.find(c => c.check === 'string_format' && c.format && c.format !== 'regex')?.format ?? null
      return { kind: 'string', schema: outer, ...lengths(checks), patterns, format }
    }
    case 'number': {
      let min: number | null = null
      let max: number | null = null
      for (const c of checks) {
        if (c.check === 'greater_than') min = (c.value ?? 0) + (c.inclusive ? 0 : 1)
        if (c.check === 'less_than') max = (c.value ?? 0) - (c.inclusive ? 0 : 1)
      }
      const int = checks.some(c => c.check === 'number_format' && /int/.test(c.format ?? ''))
      return { kind: 'number', schema: outer, min, max, int }
    }
    case 'boolean':
      return { kind: 'boolean', schema: outer }
    case 'enum':
      return { kind: 'enum', schema: outer, values: Object.values(def.entries ?? {}) }
    case 'literal':
      return { kind: 'enum', schema: outer, values: (def.values ?? []) as (string | number | boolean | null)[] }
    case 'object':
      return {
        kind: 'object',
        schema: outer,
        shape: Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, v]) => [k, schemaTree(v)])),
      }
    case 'array':
      return { kind: 'array', schema: outer, element: schemaTree(def.element!), ...lengths(checks) }
    case 'union':
      return {
        kind: 'union',
        schema: outer,
        options: (def.options ?? []).map(o => schemaTree(o)),
        discriminator: def.discriminator ?? null,
      }
    case 'optional':
    case 'default':
    case 'prefault':
      return { kind: 'optional', schema: outer, inner: schemaTree(def.innerType!) }
    case 'nullable':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return schemaTree(def.innerType!, outer)
    case 'pipe':
      return schemaTree(def.in!, outer)
    default:
      return { kind: 'other', schema: outer }
  }
}

/** A text field somewhere in a tree: its path, and the discriminators that lead to it (`people.0.kind = 'other'`). */
export interface TextLeaf {
  path: (string | number)[]
  node: Extract<SchemaNode, { kind: 'string' }>
  /** Values the input must hold for the field to be read at all (union discriminators on the way). */
  requires: { path: (string | number)[], value: unknown }[]
}

/** Every text field of a tree (array elements as index 0, each union option on its own). */
export function textLeaves(
  node: SchemaNode,
  path: (string | number)[] = [],
  requires: TextLeaf['requires'] = [],
): TextLeaf[] {
  switch (node.kind) {
    case 'string':
      return [{ path, node, requires }]
    case 'optional':
      return textLeaves(node.inner, path, requires)
    case 'object':
      return Object.entries(node.shape).flatMap(([key, child]) => textLeaves(child, [...path, key], requires))
    case 'array':
      return textLeaves(node.element, [...path, 0], requires)
    case 'union':
      return node.options.flatMap((option) => {
        const tag = node.discriminator && option.kind === 'object' ? option.shape[node.discriminator] : undefined
        const value = tag?.kind === 'enum' ? tag.values[0] : undefined
        const more = value === undefined ? requires : [...requires, { path: [...path, node.discriminator!], value }]
        return textLeaves(option, path, more)
      })
    default:
      return []
  }
}
