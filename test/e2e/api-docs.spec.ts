import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations, launch, screenshot, sharedApp } from './browser'

let browser: Browser
beforeAll(async () => { browser = await launch() })
afterAll(async () => { await browser?.close() })

/**
 * The published contract (issue 11): a developer of another client opens /api/docs on a desktop and reads the
 * OpenAPI document rendered by the BFF's own Swagger UI: no CDN, no console error, no failed request, no axe
 * violation. The resident app's bundle does not contain the renderer (bundle budget).
 */
describe('接口文档 /api/docs (1280 px)', () => {
  it('renders every group of the document from /api/v1/openapi.json, with a readable operation', async () => {
    const context = await browser.newContext({ baseURL: sharedApp().baseURL, viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    const problems: string[] = []
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
    page.on('pageerror', e => problems.push(`page error: ${e.message}`))
    page.on('requestfailed', r => problems.push(`failed: ${r.url()}`))
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`) })
    await page.goto('/api/docs')
    await page.getByRole('heading', { name: /医保自助 BFF/ }).first().waitFor()
    const document = await (await context.request.get('/api/v1/openapi.json')).json() as { tags: { name: string }[] }
    expect(document.tags.length).toBeGreaterThan(10)
    for (const tag of document.tags) await page.locator(`[data-tag="${tag.name}"]`).first().waitFor()
    // Groups start expanded (Swagger UI's `list`). One operation opened: its summary, the Idempotency-Key
    // header and the error codes are on the page.
    const order = page.locator('.opblock-post', { hasText: '/api/v1/payments/orders' }).first()
    await order.locator('.opblock-summary').first().click()
    await order.getByText('Idempotency-Key').first().waitFor()
    await order.getByText(/PERSON_IN_OPEN_ORDER/).first().waitFor()
    await screenshot(page, 'api-docs')
    await expectNoAxeViolations(page)
    expect(problems).toEqual([])
    await context.close()
  })
})
