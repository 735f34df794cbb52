import type { ApiErrorBody } from '@yibao/shared'
import type { ApplyGlobalResponse } from 'hono/client'
import type { MiddlewareHandler } from 'hono'
import type { AppDeps, AppEnv } from './lib/types'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import { handleError } from './lib/error-handler'
import { WECHATPAY_NOTIFY_PATH } from './upstream/wechatpay/notify-path'
import { AppError } from './lib/errors'
import { requestMetrics } from './lib/metrics'
import { cleanPathSegments } from './lib/validate'
import { estimateRoutes } from './routes/estimates'
import { csrfProtection, SAFE_METHODS, sessionMiddleware } from './lib/session'
import { authRoutes } from './routes/auth'
import { certificateRoutes } from './routes/certificates'
import { consentRoutes } from './routes/consent'
import { coverageRoutes } from './routes/coverage'
import { deskRoutes } from './routes/desk'
import { deskAnomalyRoutes } from './routes/desk-anomalies'
import { deskCertificateRoutes } from './routes/desk-certificates'
import { deskAuthRoutes } from './routes/desk-auth'
import { deskDayCloseRoutes } from './routes/desk-day-closes'
import { deskEVoucherRoutes } from './routes/desk-evoucher'
import { deskActRoutes } from './routes/desk-acts'
import { deskIdentityRoutes } from './routes/desk-identity'
import { deskPaymentRoutes } from './routes/desk-payments'
import { deskReadRoutes } from './routes/desk-reads'
import { deskStaffAdminRoutes } from './routes/desk-staff-admin'
import { eVoucherRoutes } from './routes/e-voucher'
import { faceCheckRoutes } from './routes/face-checks'
import { familyRoutes } from './routes/family'
import { healthRoutes } from './routes/health'
import { identityRoutes } from './routes/identity'
import { meRoutes } from './routes/me'
import { paymentNotifyRoutes, paymentRoutes, receiptRoutes } from './routes/payments'
import { refundRoutes } from './routes/refunds'
import { crossRegionRoutes } from './routes/cross-region'
import { personLookupRoutes } from './routes/person-lookups'
import { sessionRoutes } from './routes/session'
import { slipRoutes } from './routes/slips'
import { policyRoutes } from './routes/policies'
import { apiDocRoutes } from './routes/api-docs'
import { metricsRoutes } from './routes/metrics'
import { openApiDocument } from './lib/openapi'

export type { AppDeps } from './lib/types'

export interface CreateAppOptions {
  /** Serves the built web app (static files + SPA fallback) for non-API GETs; Node-only, injected by main.ts. */
  web?: MiddlewareHandler
}

/** Content-Security-Policy: no inline or foreign scripts; Vant sets inline style attributes; blob frames print. */
const CSP = {
  defaultSrc: ['\'self\''],
  scriptSrc: ['\'self\''],
  styleSrc: ['\'self\'', '\'unsafe-inline\''],
  imgSrc: ['\'self\'', 'data:', 'blob:'],
  fontSrc: ['\'self\'', 'data:'],
  connectSrc: ['\'self\''],
  // The desk prints a PDF (receipt, slip, 参保证明) from a hidden frame holding the fetched blob.
  frameSrc: ['\'self\'', 'blob:'],
  frameAncestors: ['\'none\''],
  baseUri: ['\'self\''],
  formAction: ['\'self\''],
  objectSrc: ['\'none\''],
}

/**
 * The public checks take their code in the path (`/receipts/:code`, `/slips/verify/:code`): whoever has the
 * code sees what it proves, so the request log keeps the route and leaves the code out.
 */
const CODE_IN_PATH = /^(\/api\/v1\/(?:receipts|slips\/verify|certificates\/verify))\/[^/]+\/?$/

/** A request's path as the log writes it: without a verification code. */
export function loggedPath(path: string): string {
  return path.replace(CODE_IN_PATH, '$1/:code')
}

/** Builds the BFF. Routes are chained so `AppType` carries every route's types to `hc`. */
export function createApp(deps: AppDeps, options: CreateAppOptions = {}) {
  const checkBodySize = bodyLimit({
    maxSize: deps.env.MAX_BODY_BYTES,
    onError: () => { throw new HTTPException(413) },
  })
  // Only requests that may carry a body: asking a GET for its body makes @hono/node-server build a
  // full WHATWG Request, a tenth of a read's CPU time.
  const limitBody: MiddlewareHandler<AppEnv> = (c, next) => SAFE_METHODS.has(c.req.method) ? next() : checkBodySize(c, next)
  const app = new Hono<AppEnv>()
    .use(requestId({ headerName: 'X-Request-Id' }))
    .use(async (c, next) => {
      c.set('deps', deps)
      c.set('logger', deps.logger.child({ requestId: c.get('requestId') }))
      const started = performance.now()
      await next()
      // Path only: query strings are never logged (and never carry PII by design); nor are verification codes.
      const path = loggedPath(c.req.path)
      c.get('logger').info({ method: c.req.method, path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request')
    })
    .use(requestMetrics())
    .use(secureHeaders({
      contentSecurityPolicy: CSP,
      strictTransportSecurity: 'max-age=31536000; includeSubDomains',
      referrerPolicy: 'no-referrer',
      crossOriginEmbedderPolicy: false,
    }))
    .use('/api/*', limitBody)
    .use('/api/*', cleanPathSegments())
    .use('/api/*', sessionMiddleware())
    .use('/api/*', csrfProtection([WECHATPAY_NOTIFY_PATH]))
    .route('/', healthRoutes)
    .route('/api/v1/session', sessionRoutes)
    .route('/api/v1/auth', authRoutes)
    .route('/api/v1/face-checks', faceCheckRoutes)
    .route('/api/v1/identity', identityRoutes)
    .route('/api/v1/me', meRoutes)
    .route('/api/v1/me/e-voucher', eVoucherRoutes)
    .route('/api/v1/me/consent', consentRoutes)
    .route('/api/v1/family', familyRoutes)
    .route('/api/v1/coverage', coverageRoutes)
    .route('/api/v1/person-lookups', personLookupRoutes)
    .route(WECHATPAY_NOTIFY_PATH, paymentNotifyRoutes)
    .route('/api/v1/payments', paymentRoutes)
    .route('/api/v1/receipts', receiptRoutes)
    .route('/api/v1/refunds', refundRoutes)
    .route('/api/v1/cross-region', crossRegionRoutes)
    .route('/api/v1/policies', policyRoutes)
    .route('/api/v1/estimates', estimateRoutes)
    .route('/api/v1/slips', slipRoutes)
    .route('/api/v1/certificates', certificateRoutes)
    .route('/api/v1/desk/auth', deskAuthRoutes)
    .route('/api/v1/desk/e-vouchers', deskEVoucherRoutes)
    .route('/api/v1/desk/payments', deskPaymentRoutes)
    .route('/api/v1/desk/anomalies', deskAnomalyRoutes)
    .route('/api/v1/desk/day-closes', deskDayCloseRoutes)
    .route('/api/v1/desk/certificates', deskCertificateRoutes)
    .route('/api/v1/desk/identity', deskIdentityRoutes)
    .route('/api/v1/desk/reads', deskReadRoutes)
    .route('/api/v1/desk/admin/staff', deskStaffAdminRoutes)
    .route('/api/v1/desk', deskActRoutes)
    .route('/api/v1/desk', deskRoutes)

  // Prometheus, for the operator's network only (METRICS_ALLOW): outside `/api/` and the published contract.
  app.route('/', metricsRoutes)
  // The published contract, built from the routes above (so it is mounted after them, outside `AppType`).
  let document: ReturnType<typeof openApiDocument> | undefined
  app.route('/api', apiDocRoutes(() => document ??= openApiDocument(app)))
  app.all('/api/*', () => { throw new AppError('ROUTE_NOT_FOUND', 404) })
  if (options.web) app.get('*', options.web)
  app.notFound(() => { throw new AppError('ROUTE_NOT_FOUND', 404) })
  app.onError(handleError)
  return app
}

type ErrorResponses = { [S in 400 | 401 | 403 | 404 | 409 | 413 | 422 | 423 | 429 | 500 | 502 | 503 | 504]: { json: ApiErrorBody } }

/** The BFF's route types, shared with the web app's `hc<AppType>` client (type-only import). */
export type AppType = ApplyGlobalResponse<ReturnType<typeof createApp>, ErrorResponses>
