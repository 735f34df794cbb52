import type { ErrorCode } from '@yibao/shared'
import type { Hono, MiddlewareHandler } from 'hono'
import type { OpenAPIV3_1 } from 'openapi-types'
import { ERROR_MESSAGES } from '@yibao/shared'
import { describeRoute, generateSpecs, resolver } from 'hono-openapi'
import { z } from 'zod'
import { requestValidators } from './validate'

/**
 * The BFF's public contract (OpenAPI 3.1, issue 11): every route carries a {@link doc} middleware that
 * says what it answers; what every route of a kind answers anyway (validation, CSRF, limits, idempotency,
 * sign-in) is added from the route's own middlewares when the document is built, so it cannot drift from
 * them. See docs/decisions/004-openapi.md for the library choice.
 */

/** Any Hono app, whatever its routes' types (the document is read from `app.routes`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the routes' types do not matter here
export type AnyApp = Hono<any, any, any>

/** Who may call a route, and so its security requirement and the sign-in errors it can answer. */
export type Audience = 'public' | 'resident' | 'staff' | 'pending' | 'wechatpay' | 'operator'

/** A non-JSON body: a PDF, an image, an event stream, CSV or a page. */
export type MediaType = 'application/pdf' | 'image/png' | 'image/svg+xml' | 'text/event-stream' | 'text/csv'
  | 'text/html' | 'text/javascript' | 'text/css'
export interface MediaBody {
  media: MediaType | readonly MediaType[]
  description?: string
}

/** A redirect (e.g. back from WeChat's OAuth or the 人脸核身 page). */
export interface RedirectBody {
  redirect: string
}

export type SuccessStatus = 200 | 201 | 202 | 204 | 302 | 303
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 423 | 429 | 500 | 502 | 503 | 504

export interface RouteDoc {
  /** One line, in Chinese, as a resident or clerk would name the action. */
  summary: string
  description?: string
  /** The group in the reference page (e.g. 缴费, 退费, 窗口). */
  tag: string
  audience: Audience
  /**
   * Each success status with its JSON body schema (or `null`: no body), a media type or a redirect; also a
   * failure status whose body is not the error envelope (the probe's 503, WeChat Pay's `{ code: 'FAIL' }`):
   * a status given here is never given the envelope.
   */
  ok: Partial<Record<SuccessStatus | ErrorStatus, z.ZodType | MediaBody | RedirectBody | null>>
  /** Error codes this route answers beyond the ones added for its audience and middlewares, by status. */
  errors?: Partial<Record<ErrorStatus, readonly ErrorCode[]>>
  /** The route calls a bureau system: it may answer 502/504 `UPSTREAM_*`. */
  upstream?: boolean
  /**
   * A resident route that stays open before the resident agrees to the 用户协议 and 隐私政策 (their sessions, the
   * consent itself): it processes none of their data. Every other resident route answers 403 `CONSENT_REQUIRED`.
   */
  withoutConsent?: true
}

const docs = new WeakMap<object, RouteDoc>()
/** Middlewares whose presence adds answers to a route: see {@link markRoute}. */
export type RouteTrait = 'rate-limit' | 'idempotent' | 'staff'
const traits = new WeakMap<object, RouteTrait>()

/** Marks a middleware (rate limit, idempotency, staff guard) so the document adds what it answers. */
export function markRoute<M extends object>(middleware: M, trait: RouteTrait): M {
  traits.set(middleware, trait)
  return middleware
}

/** The traits of a route's middlewares (see {@link markRoute}). */
function traitsOf(handlers: unknown[]): Set<RouteTrait | undefined> {
  return new Set(handlers.map(h => (typeof h === 'function' ? traits.get(h) : undefined)))
}

/** The route's contract. Put it first among the route's handlers. */
export function doc(d: RouteDoc): MiddlewareHandler {
  const middleware = describeRoute({ summary: d.summary, description: d.description, tags: [d.tag] })
  docs.set(middleware, d)
  return middleware
}

/** The body of every error reply, with `code` limited to the codes an operation answers with this status. */
export function errorEnvelope(codes: readonly ErrorCode[]) {
  return z.object({
    error: z.object({
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
      message: z.string().meta({ description: '给居民看的中文提示' }),
      requestId: z.string().optional(),
      fields: z.record(z.string(), z.string()).optional().meta({ description: '字段路径 → 中文提示' }),
    }),
  })
}

/** What each group of the reference page is about (a group without an entry is described by its name). */
const TAG_DESCRIPTIONS: Record<string, string> = {
  登录与会话: '居民用手机号验证码或微信登录、会话与退出',
  实名与人脸核身: '实名认证、人脸核身与账号找回',
  我的: '本人资料、医保电子凭证与访问记录',
  家庭成员: '添加家庭成员及其同意',
  参保与待遇: '参保、缴费状态与三重保障待遇查询',
  缴费: '为本人和家人缴纳城乡居民医保费（微信支付）与电子凭证核验',
  退费: '退费原因、可退金额与退费进度',
  异地就医备案: '异地就医备案的办理、变更与撤销',
  政策与测算: '各地政策与缴费、报销测算',
  结算单: '一站式结算单、解读与核验',
  窗口登录: '窗口工作人员登录（密码 + 动态验证码）',
  窗口办理: '窗口为参保人代办：扫码、查询、实名与找回、访问审计',
  窗口缴费: '窗口代缴',
  异常处理: '支付异常的处理队列',
  运维: '存活与就绪探针',
  接口文档: '本文档及其页面',
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const STATUS_TEXT: Record<number, string> = {
  200: '成功', 201: '已创建', 202: '已受理', 204: '成功（无内容）', 302: '跳转', 303: '跳转',
  400: '请求有误', 401: '未登录或登录已过期', 403: '无权办理', 404: '没有找到', 409: '冲突', 410: '已失效',
  413: '内容过大', 415: '内容类型不受支持', 422: '无法处理', 423: '已锁定', 429: '太频繁',
  500: '系统繁忙', 502: '上游系统异常', 503: '暂不可用', 504: '上游系统超时',
}

type Codes = Map<number, Set<ErrorCode>>
function add(codes: Codes, status: number, ...list: ErrorCode[]) {
  const set = codes.get(status) ?? new Set<ErrorCode>()
  for (const code of list) set.add(code)
  codes.set(status, set)
}

/** What a route with these handlers answers besides its own errors. */
function inherentErrors(method: string, path: string, d: RouteDoc, handlers: unknown[]): Codes {
  const codes: Codes = new Map()
  add(codes, 500, 'INTERNAL')
  if (path.includes('/:')) add(codes, 404, 'NOT_FOUND')
  if (UNSAFE.has(method)) {
    add(codes, 413, 'BODY_TOO_LARGE')
    if (d.audience !== 'wechatpay') add(codes, 403, 'CSRF_REJECTED')
  }
  const validators = handlers.map(requestValidators).filter(v => v !== undefined)
  if (validators.length > 0) add(codes, 400, 'VALIDATION_FAILED')
  if (validators.some(v => v.target === 'json')) add(codes, 400, 'MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE')
  const marks = traitsOf(handlers)
  if (marks.has('rate-limit')) add(codes, 429, 'RATE_LIMITED')
  if (marks.has('idempotent')) {
    add(codes, 400, 'IDEMPOTENCY_KEY_REQUIRED')
    add(codes, 409, 'IDEMPOTENCY_KEY_IN_USE')
    add(codes, 422, 'IDEMPOTENCY_KEY_REUSED')
  }
  if (d.audience === 'resident') add(codes, 401, 'UNAUTHENTICATED')
  if (d.audience === 'resident' && !d.withoutConsent) add(codes, 403, 'CONSENT_REQUIRED')
  if (d.audience === 'staff' || marks.has('staff')) {
    add(codes, 401, 'UNAUTHENTICATED', 'MFA_REQUIRED')
    add(codes, 403, 'FORBIDDEN')
  }
  if (d.upstream) {
    add(codes, 502, 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_BAD_RESPONSE', 'UPSTREAM_REJECTED')
    add(codes, 504, 'UPSTREAM_TIMEOUT')
  }
  for (const [status, list] of Object.entries(d.errors ?? {})) add(codes, Number(status), ...(list ?? []))
  return codes
}

const SECURITY: Record<Audience, OpenAPIV3_1.SecurityRequirementObject[] | undefined> = {
  public: [],
  pending: [{ residentSession: [] }, { staffSession: [] }],
  resident: [{ residentSession: [] }],
  staff: [{ staffSession: [] }],
  wechatpay: [{ wechatpaySignature: [] }],
  operator: [],
}

const IDEMPOTENCY_HEADER: OpenAPIV3_1.ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description: '防重复提交标识（20–255 位字母、数字、- 或 _）；同一笔业务重试时原样再次发送',
  schema: { type: 'string', pattern: '^[\\w-]{20,255}$' },
}
const CSRF_HEADER: OpenAPIV3_1.ParameterObject = {
  name: 'X-CSRF-Token',
  in: 'header',
  required: true,
  description: '会话的防跨站令牌（GET /api/v1/session 返回）',
  schema: { type: 'string' },
}

function isMedia(body: unknown): body is MediaBody {
  return typeof body === 'object' && body !== null && 'media' in body
}
function isRedirect(body: unknown): body is RedirectBody {
  return typeof body === 'object' && body !== null && 'redirect' in body
}

/** hono-openapi's form of a response body (resolved when the document is built). */
function jsonContent(schema: z.ZodType) {
  // What the BFF sends (zod's output side): objects list every field and allow no other.
  return { 'application/json': { schema: resolver(schema, { options: { io: 'output' } }) } }
}

function responsesOf(d: RouteDoc, codes: Codes) {
  const responses: Record<string, unknown> = {}
  for (const [status, body] of Object.entries(d.ok)) {
    const description = isMedia(body) ? body.description ?? STATUS_TEXT[Number(status)]! : STATUS_TEXT[Number(status)]!
    if (body === null) responses[status] = { description }
    else if (isRedirect(body))
      responses[status] = { description: body.redirect, headers: { Location: { schema: { type: 'string' } } } }
    else if (isMedia(body)) {
      const types = typeof body.media === 'string' ? [body.media] : body.media
      responses[status] = { description, content: Object.fromEntries(types.map(t => [t, {}])) }
    }
    else responses[status] = { description, content: jsonContent(body) }
  }
  for (const [status, list] of [...codes].sort(([a], [b]) => a - b)) {
    if (String(status) in responses) continue
    const names = [...list].sort()
    responses[String(status)] = {
      description: `${STATUS_TEXT[status] ?? '错误'}：${names.map(c => `${c}（${ERROR_MESSAGES[c]}）`).join('；')}`,
      content: jsonContent(errorEnvelope(names)),
    }
  }
  return responses
}

interface RouteEntry { method: string, path: string, handler: unknown }

/** The routes of `app` that are API operations (method + path), with every handler each runs. */
export function apiOperations(app: { routes: RouteEntry[] }) {
  const ops = new Map<string, { method: string, path: string, handlers: unknown[] }>()
  for (const r of app.routes) {
    if (r.method === 'ALL' || !(r.path.startsWith('/api/') || r.path === '/healthz' || r.path === '/readyz')) continue
    const key = `${r.method} ${r.path}`
    const op = ops.get(key) ?? { method: r.method, path: r.path, handlers: [] }
    op.handlers.push(r.handler)
    ops.set(key, op)
  }
  return [...ops.values()]
}

/** `POST /api/v1/payments/orders/:id/close` → `postPaymentsOrdersByIdClose` (unique per method and path). */
export function operationIdOf(method: string, path: string): string {
  const words = path.replace(/^\/api\/v1\//, '/').split('/').filter(Boolean).map((segment) => {
    const param = /^:(\w+)/.exec(segment)
    const word = param ? `by-${param[1]}` : segment
    return word.split(/[^a-z0-9]+/i).filter(Boolean).map(w => w[0]!.toUpperCase() + w.slice(1)).join('')
  })
  return `${method.toLowerCase()}${words.join('')}`
}

/** `/a/:id/b` → `/a/{id}/b` (OpenAPI's path template). */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)(\{[^}]*\})?\??/g, '{$1}')
}

/** The route's {@link doc}, if it has one. */
export function routeDocOf(handlers: unknown[]): RouteDoc | undefined {
  for (const h of handlers) {
    const d = typeof h === 'object' || typeof h === 'function' ? docs.get(h as object) : undefined
    if (d) return d
  }
  return undefined
}

/** Builds the OpenAPI 3.1 document of `app` (every `/api/` route, and the probes). */
export async function openApiDocument(app: AnyApp): Promise<OpenAPIV3_1.Document> {
  const ops = apiOperations(app as unknown as { routes: RouteEntry[] })
  const document = await generateSpecs(app, {
    documentation: {
      info: {
        title: '医保自助 BFF',
        version: '1.0.0',
        description: '城乡居民基本医疗保险自助服务（居民端与窗口端）的接口。所有错误都以同一信封 '
          + '`{ error: { code, message, requestId, fields? } }` 返回，`message` 为中文提示。',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          residentSession: { type: 'apiKey', in: 'cookie', name: 'yb_sid', description: '居民会话；写操作另需 X-CSRF-Token' },
          staffSession: { type: 'apiKey', in: 'cookie', name: 'yb_sid', description: '窗口工作人员会话（密码 + 动态验证码）' },
          wechatpaySignature: {
            type: 'apiKey',
            in: 'header',
            name: 'Wechatpay-Signature',
            description: '微信支付平台对原始请求体的签名（另有 Wechatpay-Timestamp、Wechatpay-Nonce、Wechatpay-Serial）',
          },
        },
      },
    },
    exclude: [/^\/api\/\*?$/, '/api/*', '*'],
  })
  const paths: OpenAPIV3_1.PathsObject = {}
  for (const op of ops) {
    const d = routeDocOf(op.handlers)
    const path = openApiPath(op.path)
    const method = op.method.toLowerCase() as OpenAPIV3_1.HttpMethods
    const generated = (document.paths?.[path]?.[method] ?? {}) as OpenAPIV3_1.OperationObject
    if (!d) {
      // Left out on purpose: the contract test fails on any route without a doc.
      continue
    }
    const parameters = [...(generated.parameters ?? [])] as OpenAPIV3_1.ParameterObject[]
    const marks = traitsOf(op.handlers)
    if (marks.has('idempotent')) parameters.push(IDEMPOTENCY_HEADER)
    if (UNSAFE.has(op.method) && d.audience !== 'wechatpay') {
      // Required with a session; a public write (sign-in, look-ups) needs it only once a session cookie exists.
      parameters.push(d.audience === 'public' ? { ...CSRF_HEADER, required: false } : CSRF_HEADER)
    }
    const operation: OpenAPIV3_1.OperationObject = {
      ...generated,
      operationId: operationIdOf(op.method, op.path),
      summary: d.summary,
      ...(d.description ? { description: d.description } : {}),
      tags: [d.tag],
      security: SECURITY[d.audience],
      ...(parameters.length > 0 ? { parameters } : {}),
      responses: await resolveResponses(responsesOf(d, inherentErrors(op.method, op.path, d, op.handlers))),
    }
    if (!operation.requestBody) delete operation.requestBody
    paths[path] = { ...paths[path], [method]: operation }
  }
  const operations = Object.values(paths).flatMap(p => Object.values(p ?? {}) as OpenAPIV3_1.OperationObject[])
  const tags = [...new Set(operations.flatMap(o => o.tags ?? []))]
  return { ...document, tags: tags.map(name => ({ name, description: TAG_DESCRIPTIONS[name] ?? name })), paths }
}

/** Turns hono-openapi `resolver()` objects in responses into JSON Schema (as `generateSpecs` does for its own). */
async function resolveResponses(responses: Record<string, unknown>): Promise<OpenAPIV3_1.ResponsesObject> {
  const out: OpenAPIV3_1.ResponsesObject = {}
  for (const [status, response] of Object.entries(responses)) {
    const r = response as { description: string, content?: Record<string, { schema?: unknown }> }
    if (!r.content) {
      out[status] = r as OpenAPIV3_1.ResponseObject
      continue
    }
    const content: Record<string, OpenAPIV3_1.MediaTypeObject> = {}
    for (const [media, body] of Object.entries(r.content)) {
      const s = body.schema as { toOpenAPISchema?: () => Promise<{ schema: OpenAPIV3_1.SchemaObject }> } | undefined
      content[media] = s?.toOpenAPISchema ? { schema: (await s.toOpenAPISchema()).schema } : {}
    }
    out[status] = { ...r, content }
  }
  return out
}
