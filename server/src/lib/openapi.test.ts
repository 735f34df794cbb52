import type { OpenAPIV3_1 } from 'openapi-types'
import type { Storage } from '../storage/types'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { contractChecked, takeContractViolations } from '../testing/contract'
import { createTestStorage } from '../testing/storage'
import { createTestApp } from '../testing/test-app'
import { idempotent } from './idempotency'
import { apiOperations, doc, openApiDocument, openApiPath, routeDocOf } from './openapi'
import { rateLimit } from './rate-limit'
import { validate } from './validate'

/**
 * The published contract (issue 11): every route is documented and every documented path is a route; what a
 * route's middlewares answer (validation, CSRF, limits, idempotency) is in its entry; the document is served;
 * and the contract check that every server test runs through (testing/contract.ts) catches a response that
 * breaks it.
 */
let storage: Storage
beforeAll(async () => { storage = await createTestStorage() })
afterAll(async () => { await storage.close() })

type Operation = OpenAPIV3_1.OperationObject
const opOf = (d: OpenAPIV3_1.Document, path: string, method: string) =>
  (d.paths?.[path] as Record<string, Operation> | undefined)?.[method]
const codesOf = (op: Operation | undefined, status: number): string[] => {
  const r = op?.responses?.[String(status)] as OpenAPIV3_1.ResponseObject | undefined
  const schema = r?.content?.['application/json']?.schema as
    { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } } | undefined
  return schema?.properties?.error?.properties?.code?.enum ?? []
}

describe('the OpenAPI document', () => {
  it('documents every API route of the app, and documents nothing that is not a route', async () => {
    const { app } = createTestApp({ storage })
    const ops = apiOperations(app)
    expect(ops.length).toBeGreaterThan(60)
    const undocumented = ops.filter(o => !routeDocOf(o.handlers)).map(o => `${o.method} ${o.path}`)
    expect(undocumented).toEqual([])
    const document = await openApiDocument(app)
    const documented = Object.entries(document.paths ?? {})
      .flatMap(([path, item]) => Object.keys(item ?? {}).map(m => `${m.toUpperCase()} ${path}`)).sort()
    expect(documented).toEqual(ops.map(o => `${o.method} ${openApiPath(o.path)}`).sort())
  })

  it('adds what each route\'s middlewares answer: validation, CSRF, body size, rate limits, idempotency', async () => {
    const { app } = createTestApp({ storage })
    const document = await openApiDocument(app)
    // A money-moving POST: Idempotency-Key and X-CSRF-Token headers, the key's own three refusals, validation.
    const order = opOf(document, '/api/v1/payments/orders', 'post')
    const headers = (order?.parameters as OpenAPIV3_1.ParameterObject[]).filter(p => p.in === 'header')
    expect(headers.map(p => p.name).sort()).toEqual(['Idempotency-Key', 'X-CSRF-Token'])
    expect(codesOf(order, 400)).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'IDEMPOTENCY_KEY_REQUIRED']))
    expect(codesOf(order, 409)).toContain('IDEMPOTENCY_KEY_IN_USE')
    expect(codesOf(order, 422)).toContain('IDEMPOTENCY_KEY_REUSED')
    expect(codesOf(order, 403)).toContain('CSRF_REJECTED')
    expect(codesOf(order, 413)).toEqual(['BODY_TOO_LARGE'])
    expect(order?.requestBody).toBeDefined()
    expect(order?.security).toEqual([{ residentSession: [] }])
    // The WeChat Pay callback: signed, not CSRF-protected (WeChat Pay has no session).
    const notify = opOf(document, '/api/v1/payments/wechat/notify', 'post')
    expect(codesOf(notify, 403)).not.toContain('CSRF_REJECTED')
    expect(notify?.security).toEqual([{ wechatpaySignature: [] }])
    // A GET with an id in its path answers 404 NOT_FOUND; staff routes answer the staff sign-in errors.
    expect(codesOf(opOf(document, '/api/v1/refunds/{id}', 'get'), 404)).toContain('NOT_FOUND')
    const desk = Object.entries(document.paths ?? {}).find(([p]) => p.startsWith('/api/v1/desk/e-vouchers'))
    const deskOp = Object.values(desk?.[1] ?? {})[0] as Operation
    expect(codesOf(deskOp, 401)).toEqual(expect.arrayContaining(['UNAUTHENTICATED', 'MFA_REQUIRED']))
    expect(deskOp.security).toEqual([{ staffSession: [] }])
  })

  it('is served at /api/v1/openapi.json (OpenAPI 3.1); the reference page /api/docs runs no inline script', async () => {
    const { app } = createTestApp({ storage })
    const res = await app.request('/api/v1/openapi.json')
    expect(res.status).toBe(200)
    const served = await res.json() as OpenAPIV3_1.Document
    expect(served.openapi).toBe('3.1.0')
    expect(served).toEqual(JSON.parse(JSON.stringify(await openApiDocument(app))))
    expect(Object.keys(served.components?.securitySchemes ?? {}).sort())
      .toEqual(['residentSession', 'staffSession', 'wechatpaySignature'])
    const page = await app.request('/api/docs')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).not.toMatch(/<script>(?!<)|<script>[^<]/)
    expect(html).toContain('src="/api/docs/init.js"')
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'init.js', 'docs.css']) {
      const r = await app.request(`/api/docs/${asset}`)
      expect(r.status, asset).toBe(200)
      expect((await r.arrayBuffer()).byteLength, asset).toBeGreaterThan(100)
    }
    const missing = await app.request('/api/docs/package.json')
    expect(missing.status).toBe(404)
  })
})

describe('the contract check every server test runs through', () => {
  // A tiny app with the same machinery, whose handlers break their own documents on request.
  const Pet = z.object({ name: z.string(), age: z.number().int() })
  const mini = () => contractChecked(new Hono()
    .post('/api/pets', doc({ summary: '添加', tag: 't', audience: 'resident', ok: { 201: Pet } }),
      rateLimit({ bucket: 'pets', limit: 1, windowSeconds: 60 }), idempotent('pets', () => 'p'),
      validate('json', Pet), c => c.json(c.req.valid('json'), 201))
    .get('/api/pets/:id', doc({ summary: '查看', tag: 't', audience: 'public', ok: { 200: Pet } }), (c) => {
      const id = c.req.param('id')
      if (id === 'wrong-shape') return c.json({ name: 'x', age: 'old' }, 200)
      if (id === 'undeclared') return c.json({ error: { code: 'CONFLICT', message: '冲突' } }, 409)
      return c.json({ name: id, age: 3 }, 200)
    })
    .get('/api/secret', c => c.json({ ok: true }, 200)))

  it('passes a response that matches, and names each kind of mismatch', async () => {
    const app = mini()
    takeContractViolations()
    expect((await app.request('/api/pets/rex')).status).toBe(200)
    expect(takeContractViolations()).toEqual([])
    await app.request('/api/pets/wrong-shape')
    await app.request('/api/pets/undeclared')
    await app.request('/api/secret')
    const seen = takeContractViolations()
    expect(seen).toHaveLength(3)
    expect(seen[0]).toMatch(/GET \/api\/pets\/\{id\} → 200: body does not match the schema: \/age/)
    expect(seen[1]).toMatch(/GET \/api\/pets\/\{id\} → 409 \(CONFLICT\): status not declared/)
    expect(seen[2]).toMatch(/GET \/api\/secret → 200: the route is not in the OpenAPI document/)
  })
})
