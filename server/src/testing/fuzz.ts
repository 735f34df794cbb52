import type { SchemaNode } from '@yibao/shared/testing/schema-tree'
import type { Hono } from 'hono'
import type { z } from 'zod'
import type { RequestValidator } from '../lib/validate'
import { ERROR_MESSAGES } from '@yibao/shared'
import { schemaTree, textLeaves } from '@yibao/shared/testing/schema-tree'
import fc from 'fast-check'
import { requestValidators } from '../lib/validate'

/**
 * Property-based sweep of the BFF's inputs: every route of the app (read from `app.routes`, with the
 * schemas of its `validate()` middlewares) becomes an arbitrary of requests whose text fields, path
 * segments, query strings and headers hold arbitrary Unicode — NUL, lone surrogates, control and RTL
 * characters, emoji, very long strings — mixed with valid values so the handlers behind the validation
 * run too. A new route is swept without anyone listing it.
 */

/** A path segment of a route pattern: literal text, or a `:param` (with its `{regex}` when it has one). */
type Segment = { literal: string } | { param: string, pattern: RegExp | null }

/** What the sweep knows of one route. */
export interface FuzzRoute {
  method: string
  /** The pattern as Hono has it, e.g. `/api/v1/family/requests/:id/:decision{approve|decline}`. */
  path: string
  segments: Segment[]
  /** Shapes of the validated inputs by target (`json`, `query`, `param`, …). */
  inputs: Partial<Record<RequestValidator['target'], SchemaNode>>
  /** Paths of the text fields of the validated inputs (`json:people.0.name`, `query:member`, `param:setlId`). */
  textFields: string[]
}

function parseSegments(path: string): Segment[] {
  return path.split('/').filter(Boolean).map((s) => {
    const m = /^:([\w-]+)(?:\{(.+)\})?\??$/.exec(s)
    return m ? { param: m[1]!, pattern: m[2] ? new RegExp(`^(?:${m[2]})$`) : null } : { literal: s }
  })
}

/**
 * Every route of `app` with its validated inputs: one entry per method and path (middleware registered with
 * `use`, and catch-alls with `*`, are not routes).
 */
export function fuzzRoutes(app: Hono<never>): FuzzRoute[] {
  const byKey = new Map<string, FuzzRoute>()
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue
    const key = `${r.method} ${r.path}`
    let route = byKey.get(key)
    if (!route) {
      route = { method: r.method, path: r.path, segments: parseSegments(r.path), inputs: {}, textFields: [] }
      byKey.set(key, route)
    }
    const v = requestValidators(r.handler)
    if (v) {
      const tree = schemaTree(v.schema)
      route.inputs[v.target] = tree
      route.textFields.push(...textLeaves(tree).map(l => `${v.target}:${l.path.join('.')}`))
    }
  }
  return [...byKey.values()]
}

// ---------------------------------------------------------------- text

const codeUnit = fc.integer({ min: 0, max: 0xFFFF }).map(n => String.fromCharCode(n))
/** Characters that break text handling somewhere: NUL and controls, lone surrogates, bidi and zero-width marks. */
const SPECIALS = [
  '\0', '\u0001', '\u0008', '\u001B', '\u001F', '\u007F', '\u0085', '\u009F', '\uD800', '\uDBFF', '\uDC00',
  '\uDFFF', '\u200B', '\u200F', '\u202E', '\u2066', '\u2028', '\uFEFF', '\uFFFD', '\uFFFE', '\uFFFF', '😀',
  '👨‍👩‍👧', '𠀀', '\n', '\r\n', '\t', ' ', '张', '·', '%00', '%', '\\', '\'', '"', '<', '${', '{{',
]
const special = fc.constantFrom(...SPECIALS)
/** Very long text (up to 60 000 code units: past the body limit too). */
const long = fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.integer({ min: 100, max: 20_000 }))
  .map(([s, n]) => s.repeat(n))

/** Arbitrary text as an attacker (or a broken keyboard) sends it: any code units, any code points, long runs. */
export function hostileText(valid?: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 3, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
    { weight: 3, arbitrary: fc.string({ unit: special, maxLength: 12 }) },
    { weight: 1, arbitrary: long },
  ]
  if (valid) {
    // A valid value with one hostile character in it: passes every check but the one for clean text.
    const spliced = fc.tuple(valid, special, fc.nat()).map(([v, s, n]) => {
      const at = n % (v.length + 1)
      return v.slice(0, at) + s + v.slice(at)
    })
    options.push({ weight: 4, arbitrary: spliced })
  }
  return fc.oneof(...options)
}

/** Valid values for shared field schemas that no pattern describes (an ID number's checksum), by schema. */
export type Samples = Map<z.ZodType, fc.Arbitrary<string>>

function validText(node: Extract<SchemaNode, { kind: 'string' }>, samples: Samples): fc.Arbitrary<string> {
  const sample = samples.get(node.schema)
  if (sample) return sample
  if (node.format === 'uuid') return fc.uuid()
  const max = Math.min(node.maxLength ?? 40, 40)
  const fits = (s: string) => s.trim().length >= node.minLength && s.length <= (node.maxLength ?? Infinity)
  // stringMatching takes no flags: the case-sensitive pattern matches a subset of what `i` would.
  if (node.patterns[0]) return fc.stringMatching(new RegExp(node.patterns[0].source), { size: 'xsmall' }).filter(fits)
  return fc.string({ unit: 'grapheme', minLength: node.minLength, maxLength: Math.max(max, node.minLength) })
    .filter(fits)
}

// ---------------------------------------------------------------- values from schemas

/** Valid most of the time, hostile otherwise: the handler behind the validation runs often enough to be swept. */
export function valueOf(node: SchemaNode, samples: Samples): fc.Arbitrary<unknown> {
  switch (node.kind) {
    case 'string': {
      const valid = validText(node, samples)
      return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: hostileText(valid) })
    }
    case 'number': {
      const min = Math.max(node.min ?? -1_000_000, -1_000_000_000)
      const max = Math.min(node.max ?? 1_000_000, 1_000_000_000)
      const valid = node.int ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true })
      return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fc.oneof(fc.double(), hostileText()) })
    }
    case 'boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: hostileText() })
    case 'enum':
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...node.values) },
        { weight: 1, arbitrary: hostileText() },
      )
    case 'object': {
      const keys = Object.keys(node.shape)
      const model = Object.fromEntries(keys.map(k => [k, valueOf(optionalInner(node.shape[k]!), samples)]))
      const requiredKeys = keys.filter(k => node.shape[k]!.kind !== 'optional')
      return fc.record(model, { requiredKeys })
    }
    case 'array':
      return fc.array(valueOf(node.element, samples), {
        minLength: node.minLength,
        maxLength: Math.max(node.minLength, 3),
      })
    case 'union':
      return fc.oneof(...node.options.map(o => valueOf(o, samples)))
    case 'optional':
      return fc.option(valueOf(node.inner, samples), { nil: undefined })
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

function optionalInner(node: SchemaNode): SchemaNode {
  return node.kind === 'optional' ? node.inner : node
}

/** A query string value: what a browser would send for the field (numbers and booleans as text). */
function queryValueOf(node: SchemaNode, samples: Samples): fc.Arbitrary<string> {
  return valueOf(node, samples).map(v => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''))
}

// ---------------------------------------------------------------- encoding

function utf8(cp: number): number[] {
  if (cp < 0x80) return [cp]
  if (cp < 0x800) return [0xC0 | (cp >> 6), 0x80 | (cp & 63)]
  if (cp < 0x10000) return [0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
  return [0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
}

/**
 * Percent-encodes every code unit, a lone surrogate included (as WTF-8 bytes, which `encodeURIComponent`
 * refuses to write): the bytes a client can put in a URL whatever its text.
 */
export function percentEncode(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i)
    const next = s.charCodeAt(i + 1)
    if (cp >= 0xD800 && cp <= 0xDBFF && next >= 0xDC00 && next <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (next - 0xDC00)
      i++
    }
    out += cp < 0x80 && /[\w.~-]/.test(String.fromCharCode(cp))
      ? String.fromCharCode(cp)
      : utf8(cp).map(b => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  }
  return out
}

/** Raw percent-encoded bytes, most of them not UTF-8 at all (`%FF`, `%C0%80`, `%ED%A0%80`). */
const rawBytes = fc.uint8Array({ minLength: 1, maxLength: 12 })
  .map(bytes => [...bytes].map(b => `%${b.toString(16).padStart(2, '0')}`).join(''))

type ParamSegment = Extract<Segment, { param: string }>

/** What a `:param` takes: its `{regex}`, its validator's schema, else an id (a UUID). */
function validParam(segment: ParamSegment, node: SchemaNode | undefined, samples: Samples): fc.Arbitrary<string> {
  if (segment.pattern) return fc.stringMatching(segment.pattern, { size: 'xsmall' })
  if (node) return node.kind === 'string' ? validText(node, samples) : queryValueOf(node, samples)
  return fc.uuid()
}

/** Ids of the right length and alphabet that are no UUID (ids were once checked with `/^[0-9a-f-]{36}$/`). */
const ALMOST_IDS = ['-'.repeat(36), '0'.repeat(36), `${'f'.repeat(8)}-${'g'.repeat(27)}`, '%2F', '..']

/** A path segment for a `:param`, already encoded: what it takes, or anything at all. */
function paramValue(segment: ParamSegment, node: SchemaNode | undefined, samples: Samples): fc.Arbitrary<string> {
  const valid = validParam(segment, node, samples)
  return fc.oneof(
    { weight: 3, arbitrary: valid.map(percentEncode) },
    { weight: 3, arbitrary: hostileText(valid).filter(s => s !== '').map(percentEncode) },
    { weight: 1, arbitrary: rawBytes },
    { weight: 1, arbitrary: fc.constantFrom(...ALMOST_IDS) },
  )
}

// ---------------------------------------------------------------- requests

/** One request of the sweep, ready to send. */
export interface FuzzRequest {
  route: FuzzRoute
  method: string
  /** Path and query, encoded. */
  url: string
  /** The JSON body, when there is one. */
  json?: unknown
  /** An `Idempotency-Key` (valid or not) for requests that may carry a body. */
  idempotencyKey?: string
}

const latin1 = fc.integer({ min: 0x21, max: 0xFF }).map(n => String.fromCharCode(n))
const idempotencyKey = fc.oneof(
  { weight: 4, arbitrary: fc.uuid() },
  // Header values are ISO-8859-1 without NUL, CR or LF: the rest of that range is what a client can send.
  {
    weight: 1,
    arbitrary: fc.string({ unit: latin1, minLength: 1, maxLength: 300 }),
  },
)

function paramShapeOf(route: FuzzRoute): Record<string, SchemaNode> {
  return route.inputs.param?.kind === 'object' ? route.inputs.param.shape : {}
}

/** Requests of one route: each path parameter, query field and body field drawn from what it takes and hostile text. */
export function requestOf(route: FuzzRoute, samples: Samples): fc.Arbitrary<FuzzRequest> {
  const paramShape = paramShapeOf(route)
  const segments = fc.tuple(...route.segments.map(s => ('literal' in s
    ? fc.constant(s.literal)
    : paramValue(s, paramShape[s.param], samples))))
  const queryShape = route.inputs.query?.kind === 'object' ? route.inputs.query.shape : {}
  const query = fc.record(
    Object.fromEntries(Object.entries(queryShape).map(([k, n]) => [k, queryValueOf(optionalInner(n), samples)])),
    { requiredKeys: [] },
  )
  const extraQuery = fc.option(fc.tuple(hostileText(), hostileText()), { nil: undefined, freq: 4 })
  const hasBody = route.method !== 'GET' && route.method !== 'HEAD'
  const body = !hasBody
    ? fc.constant(undefined)
    : route.inputs.json
      ? valueOf(route.inputs.json, samples)
      : fc.option(fc.dictionary(hostileText(), hostileText(), { maxKeys: 3 }), { nil: undefined })
  const key = hasBody ? fc.option(idempotencyKey, { nil: undefined, freq: 5 }) : fc.constant(undefined)
  return fc.record({ segments, query, extraQuery, body, key }).map((r) => {
    const qs = queryString({ ...r.query, ...(r.extraQuery && { [r.extraQuery[0]]: r.extraQuery[1] }) })
    return {
      route,
      method: route.method,
      url: `/${r.segments.join('/')}${qs ? `?${qs}` : ''}`,
      ...(r.body !== undefined && { json: r.body }),
      ...(r.key !== undefined && { idempotencyKey: r.key }),
    }
  })
}

/** One value a schema takes (drawn once, always the same): the background a hostile field is set into. */
function validSample(node: SchemaNode, samples: Samples): unknown {
  return fc.sample(validValueOf(node, samples), { seed: 1, numRuns: 1 })[0]
}

/** Values a schema takes (as far as its tree tells: refinements across fields aside). */
function validValueOf(node: SchemaNode, samples: Samples): fc.Arbitrary<unknown> {
  switch (node.kind) {
    case 'string': return validText(node, samples)
    case 'number': {
      const min = Math.ceil(node.min ?? 1)
      return fc.integer({ min, max: Math.max(min, Math.floor(node.max ?? 1000)) })
    }
    case 'boolean': return fc.boolean()
    case 'enum': return fc.constantFrom(...node.values)
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(node.shape).map(([k, n]) => [k, validValueOf(n, samples)])))
    case 'array': {
      const length = Math.max(1, node.minLength)
      return fc.array(validValueOf(node.element, samples), { minLength: length, maxLength: length })
    }
    case 'union': return fc.oneof(...node.options.map(o => validValueOf(o, samples)))
    case 'optional': return validValueOf(node.inner, samples)
    default: return fc.constant(null)
  }
}

/** `value` with `leaf` set at `path` (arrays and objects made on the way). */
function setAt(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (!path.length) return leaf
  const [head, ...rest] = path
  const fresh = typeof head === 'number' ? [] : {}
  const base = (value && typeof value === 'object' ? value : fresh) as Record<string | number, unknown>
  const copy = (Array.isArray(base) ? [...base] : { ...base }) as Record<string | number, unknown>
  copy[head!] = setAt(base[head!], rest, leaf)
  return copy
}

function queryString(values: Record<string, unknown>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&')
}

/**
 * The examples each sweep starts from, so every text field of every route meets `text` (NUL, a lone
 * surrogate) whatever the random runs draw: for each text field of the body and query, a request valid in
 * everything else (the field's union option chosen, so it is read) with `text` in that field; and a request
 * with `text` in every path parameter.
 */
export function exampleRequests(route: FuzzRoute, text: string, samples: Samples): FuzzRequest[] {
  const paramShape = paramShapeOf(route)
  const once = (a: fc.Arbitrary<string>) => fc.sample(a, { seed: 1, numRuns: 1 })[0]!
  const validPath = route.segments
    .map(s => ('literal' in s ? s.literal : percentEncode(once(validParam(s, paramShape[s.param], samples)))))
    .join('/')
  const hostilePath = route.segments.map(s => ('literal' in s ? s.literal : percentEncode(text))).join('/')
  const hasBody = route.method !== 'GET' && route.method !== 'HEAD'
  const json = hasBody && route.inputs.json ? validSample(route.inputs.json, samples) : hasBody ? { text } : undefined
  const query = route.inputs.query ? validSample(route.inputs.query, samples) as Record<string, unknown> : {}
  const request = (path: string, body: unknown, q: Record<string, unknown>): FuzzRequest => {
    const qs = queryString(q)
    return {
      route,
      method: route.method,
      url: `/${path}${qs ? `?${qs}` : ''}`,
      ...(body !== undefined && { json: body }),
      ...(hasBody && { idempotencyKey: crypto.randomUUID() }),
    }
  }
  const examples: FuzzRequest[] = []
  if (hostilePath !== validPath) examples.push(request(hostilePath, json, query))
  for (const target of ['json', 'query'] as const) {
    const tree = route.inputs[target]
    if (!tree || (target === 'json' && !hasBody)) continue
    for (const leaf of textLeaves(tree)) {
      let value = target === 'json' ? json : query
      for (const r of leaf.requires) value = setAt(value, r.path, r.value)
      value = setAt(value, leaf.path, text)
      examples.push(target === 'json'
        ? request(validPath, value, query)
        : request(validPath, json, value as Record<string, unknown>))
    }
  }
  if (!examples.length) examples.push(request(validPath, json, query))
  return examples
}

// ---------------------------------------------------------------- replies

const HAN = /\p{Script=Han}/u

/**
 * What is wrong with a reply, if anything: a 5xx; a 4xx without the error envelope, with a code that is not
 * ours, or with a message or field message that is not Chinese. A callback of WeChat Pay answers in WeChat
 * Pay's own shape (`{ code: 'FAIL', message }`, its APIv3 contract) instead of the envelope.
 */
export async function replyProblem(res: Response, envelope: 'ours' | 'wechatpay' = 'ours'): Promise<string | null> {
  if (res.status >= 500) return `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`
  if (res.status < 400) {
    await res.body?.cancel()
    return null
  }
  const text = await res.text()
  interface Body {
    error?: { code?: string, message?: string, fields?: Record<string, unknown> }
    /** WeChat Pay's reply shape. */
    code?: string
    message?: string
  }
  let body: Body
  try {
    body = JSON.parse(text) as Body
  }
  catch {
    return `HTTP ${res.status} without a JSON body: ${text.slice(0, 200)}`
  }
  // Refused before the route (413, 404): the envelope as everywhere else.
  if (envelope === 'wechatpay' && body.code === 'FAIL' && HAN.test(body.message ?? '')) return null
  const e = body.error
  const what = `HTTP ${res.status} ${e?.code ?? ''}`
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string')
    return `${what} without the error envelope: ${text.slice(0, 200)}`
  if (!(e.code in ERROR_MESSAGES)) return `${what}: not a code of shared/errors.ts`
  if (!HAN.test(e.message) || /\{\w+\}/.test(e.message))
    return `${what}: message not Chinese or not filled in: ${e.message}`
  for (const [field, message] of Object.entries(e.fields ?? {})) {
    if (typeof message !== 'string' || !HAN.test(message))
      return `${what}: the message of ${field} is not Chinese: ${String(message)}`
  }
  return null
}
