import type { OpenAPIV3_1 } from 'openapi-types'
import type { AppEnv } from '../lib/types'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '../lib/errors'
import { doc } from '../lib/openapi'

/**
 * The published contract: `/api/v1/openapi.json` (built once per process from the routes themselves) and a
 * reference page at `/api/docs` rendered by Swagger UI (swagger-ui-dist, served from this process: no CDN, no
 * inline script, so the page keeps the app's CSP). Nothing here is in the resident app's bundle.
 */

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>医保自助 BFF 接口文档</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/docs.css">
</head>
<body>
<div id="docs"><h1 class="fallback">医保自助 BFF 接口文档（正在加载）</h1></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`

// Our own script (CSP allows no inline script): renders the document into <main>.
// What Swagger UI leaves out for assistive technology is added as it renders: a name for the server picker and
// keyboard focus for code samples that scroll.
const INIT = `function accessible() {
  document.querySelectorAll('select:not([aria-label])').forEach(function (s) { s.setAttribute('aria-label', '服务器') })
  document.querySelectorAll('.highlight-code pre, .microlight, pre.example').forEach(function (p) {
    if (!p.hasAttribute('tabindex')) p.setAttribute('tabindex', '0')
  })
  // Groups are the second level under the title (Swagger UI writes them as h3).
  document.querySelectorAll('h3.opblock-tag:not([aria-level])').forEach(function (h) {
    h.setAttribute('aria-level', '2')
  })
  document.querySelectorAll('.opblock h4:not([aria-level])').forEach(function (h) { h.setAttribute('aria-level', '3') })
  document.querySelectorAll('.opblock h5:not([aria-level])').forEach(function (h) { h.setAttribute('aria-level', '4') })
  var named = { '.information-container': '文档说明', '.schemes-server-container': '服务器' }
  Object.keys(named).forEach(function (css) {
    document.querySelectorAll(css + ':not([role])').forEach(function (el) {
      el.setAttribute('role', 'region')
      el.setAttribute('aria-label', named[css])
    })
  })
}
new MutationObserver(accessible).observe(document.getElementById('docs'), { childList: true, subtree: true })
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#docs',
  deepLinking: false,
  defaultModelsExpandDepth: 0,
  supportedSubmitMethods: [],
  validatorUrl: null,
  onComplete: accessible,
})
`

// Swagger UI's greys fail WCAG AA contrast on white; these keep its layout and darken the text.
const CSS = `body { margin: 0; font-size: 16px; }
.swagger-ui, .swagger-ui .info .title, .swagger-ui .opblock-tag, .swagger-ui .opblock .opblock-summary-description,
.swagger-ui .opblock .opblock-summary-path, .swagger-ui .opblock-description-wrapper p, .swagger-ui table thead tr th,
.swagger-ui .parameter__name, .swagger-ui .parameter__type, .swagger-ui .response-col_status,
.swagger-ui .response-col_description, .swagger-ui .model-title, .swagger-ui .tab li, .swagger-ui .info p,
.swagger-ui .renderedMarkdown p, .swagger-ui .opblock-tag small { color: #1a1a1a; }
.swagger-ui .parameter__in, .swagger-ui .prop-format, .swagger-ui .parameter__deprecated { color: #4a4a4a; }
.swagger-ui .info .title small pre, .swagger-ui .info .title small.version-stamp { color: #fff; background: #1a5e20; }
.swagger-ui .opblock .opblock-summary-method { color: #fff !important; background: #1a1a1a !important; }
.swagger-ui .btn, .swagger-ui .btn > span { color: #1a1a1a !important; }
.swagger-ui .microlight, .swagger-ui .highlight-code pre { background: #f4f4f4 !important; color: #1a1a1a !important; }
.swagger-ui .microlight span, .swagger-ui .highlight-code span { color: #1a1a1a !important; }
.swagger-ui .info a, .swagger-ui a.nostyle { color: #0b57d0; }
.fallback { font: 600 20px/1.4 sans-serif; padding: 16px; }
`

const DocumentSchema = z.object({ openapi: z.string(), info: z.object({ title: z.string() }).loose() }).loose()

/** Builds the OpenAPI routes for `app` (the document is read from the app's own routes once, lazily). */
export function apiDocRoutes(document: () => Promise<OpenAPIV3_1.Document>) {
  return new Hono<AppEnv>()
    .get('/v1/openapi.json', doc({
      summary: '本接口的 OpenAPI 3.1 文档',
      tag: '接口文档',
      audience: 'public',
      ok: { 200: DocumentSchema },
    }), async (c) => {
      c.header('Cache-Control', 'public, max-age=300')
      return c.json(await document() as unknown as Record<string, unknown>, 200)
    })
    .get('/docs', doc({
      summary: '接口文档页面（Swagger UI）',
      tag: '接口文档',
      audience: 'public',
      ok: { 200: { media: 'text/html' } },
    }), (c) => {
      c.header('Cache-Control', 'no-cache')
      return c.html(PAGE)
    })
    .get('/docs/:file', doc({
      summary: '接口文档页面的脚本和样式',
      tag: '接口文档',
      audience: 'public',
      ok: { 200: { media: ['text/javascript', 'text/css'] } },
    }), async (c) => {
      const file = c.req.param('file')
      c.header('Cache-Control', 'public, max-age=3600')
      if (file === 'init.js') return c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' })
      if (file === 'docs.css') return c.body(CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' })
      if (!Object.hasOwn(ASSETS, file)) throw new AppError('NOT_FOUND', 404)
      const type = ASSETS[file as keyof typeof ASSETS]
      return c.body(await readFile(join(SWAGGER_DIR, file)), 200, { 'Content-Type': type })
    })
}
