import type { ValidateFunction } from 'ajv/dist/2020.js'
import type { OpenAPIV3_1 } from 'openapi-types'
import process from 'node:process'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { AnyApp } from '../lib/openapi'
import { openApiDocument } from '../lib/openapi'

/**
 * The contract test of issue 11: every response any server test gets from a BFF (`app.request`, `testClient`,
 * or over HTTP from the sandbox) is checked against the OpenAPI document the BFF publishes: the route must be
 * in it, the status must be one the operation declares, and a JSON body must match its schema (an error's
 * `code` must be one the operation lists for that status). A mismatch fails the test that caused it
 * (`contract-setup.ts`), naming the route, the status and what did not match.
 */

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule)

const violations: string[] = []
const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true })
addFormats(ajv)
const compiled = new WeakMap<object, ValidateFunction>()

interface Operation { template: string, method: string, regex: RegExp, params: number, op: OpenAPIV3_1.OperationObject }
interface Contract { document: OpenAPIV3_1.Document, operations: Operation[] }

/**
 * The contract of `app`, built once per set of routes: every test app has the same routes, so one document
 * serves them all (building it takes a while); an app with other routes gets its own.
 */
const contractOfApp = new WeakMap<object, Promise<Contract>>()
const contractOfRoutes = new Map<string, Promise<Contract>>()
function contractOf(app: AnyApp): Promise<Contract> {
  let found = contractOfApp.get(app)
  if (!found) {
    const key = app.routes.map(r => `${r.method} ${r.path}`).join('\n')
    found = contractOfRoutes.get(key)
    if (!found) {
      found = openApiDocument(app).then(document => ({ document, operations: indexOperations(document) }))
      contractOfRoutes.set(key, found)
    }
    contractOfApp.set(app, found)
  }
  return found
}

function indexOperations(document: OpenAPIV3_1.Document): Operation[] {
  const list: Operation[] = []
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    for (const [method, op] of Object.entries(item ?? {})) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}|\{\w+\}/g, '[^/]+')
      list.push({
        template,
        method: method.toUpperCase(),
        regex: new RegExp(`^${source}$`),
        params: (template.match(/\{/g) ?? []).length,
        op: op as OpenAPIV3_1.OperationObject,
      })
    }
  }
  // A literal segment wins over a parameter (`/orders/quote` before `/orders/{id}`).
  return list.sort((a, b) => a.params - b.params)
}

const APP_LEVEL_CODES = new Set(['ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED', 'BODY_TOO_LARGE', 'CSRF_REJECTED', 'NOT_FOUND'])

/** Violations seen since the last call (and forgets them). */
export function takeContractViolations(): string[] {
  return violations.splice(0)
}

/** Whether a route missing from the document is a violation (the default; relaxed only while docs are written). */
const strict = process.env.CONTRACT_ALLOW_UNDOCUMENTED !== '1'

async function check(app: AnyApp, request: Request, response: Response): Promise<void> {
  const url = new URL(request.url)
  const path = url.pathname
  if (!path.startsWith('/api/') && path !== '/healthz' && path !== '/readyz') return
  const { document, operations } = await contractOf(app)
  const method = request.method === 'HEAD' ? 'GET' : request.method
  const found = operations.find(o => o.method === method && o.regex.test(path))
  const contentType = response.headers.get('content-type') ?? ''
  const body = contentType.includes('application/json') ? await response.json().catch(() => undefined) : undefined
  if (!found) {
    // No route of the app: the answer of the app's own middlewares before routing (body size, CSRF, a path
    // segment that names nothing) or of its 404, which no operation documents.
    const code = (body as { error?: { code?: string } } | undefined)?.error?.code
    if ((code && APP_LEVEL_CODES.has(code)) || !strict) return
    violations.push(`${method} ${path} → ${response.status}: the route is not in the OpenAPI document`)
    return
  }
  const where = `${method} ${found.template} → ${response.status}`
  const declared = (found.op.responses ?? {})[String(response.status)] as OpenAPIV3_1.ResponseObject | undefined
  const answered = (body as { error?: { code?: string } } | undefined)?.error?.code
  // No route of the app matched (e.g. `/family/requests/1/maybe` for `{decision}` = approve|decline): the app's answer.
  if (answered === 'ROUTE_NOT_FOUND' || answered === 'METHOD_NOT_ALLOWED') return
  if (!declared) {
    const code = (body as { error?: { code?: string } } | undefined)?.error?.code
    violations.push(`${where}${code ? ` (${code})` : ''}: status not declared by the operation`)
    return
  }
  if (response.status === 204 || response.status === 302 || response.status === 303) return
  const media = Object.keys(declared.content ?? {})
  if (contentType.includes('application/json')) {
    const schema = declared.content?.['application/json']?.schema
    if (!schema) {
      violations.push(`${where}: JSON body, but the operation declares ${media.join(', ') || 'no body'}`)
      return
    }
    let validate = compiled.get(schema)
    if (!validate) {
      validate = ajv.compile({ ...(schema as object), components: document.components } as object)
      compiled.set(schema, validate)
    }
    if (!validate(body)) {
      const detail = (validate.errors ?? []).slice(0, 3).map(e => `${e.instancePath || '/'} ${e.message ?? ''}`.trim())
      const code = (body as { error?: { code?: string } } | undefined)?.error?.code
      violations.push(`${where}${code ? ` (${code})` : ''}: body does not match the schema: ${detail.join('; ')}`)
    }
    return
  }
  const type = contentType.split(';')[0]!.trim()
  if (type && !media.includes(type))
    violations.push(`${where}: ${type} body, but the operation declares ${media.join(', ') || 'no body'}`)
}

/**
 * `app` with every response checked against its OpenAPI document (see the top of this file). The response the
 * caller gets is untouched (a clone is read).
 */
export function contractChecked<App extends AnyApp>(app: App): App {
  const original = app.fetch
  app.fetch = async (request: Request, ...rest: unknown[]) => {
    const response = await (original as (r: Request, ...x: unknown[]) => Response | Promise<Response>)(request, ...rest)
    // Only a JSON body is read (from a clone, read to its end). Any other body (an event stream never ends, a
    // PDF) is left alone: a half-read clone would keep the caller's `body.cancel()` waiting for ever.
    const readable = (response.headers.get('content-type') ?? '').includes('application/json')
      ? response.clone()
      : new Response(null, { status: response.status, headers: response.headers })
    try {
      await check(app, request, readable)
    }
    catch (error) {
      violations.push(`${request.method} ${new URL(request.url).pathname}: contract check failed: ${String(error)}`)
    }
    return response
  }
  return app
}
