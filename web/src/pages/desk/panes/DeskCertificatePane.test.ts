import type { ApiErrorBody } from '@yibao/shared'
import type { Component } from 'vue'
import { ERROR_MESSAGES } from '@yibao/shared'
import { flushPromises, mount } from '@vue/test-utils'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, loadDeskMessages } from '../../../i18n'
import DeskCertificatePane from './DeskCertificatePane.vue'
import { deskPanes } from './registry'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeAll(() => loadDeskMessages())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const SUBJECT = 'sealed-handle-of-a-scan'
const CERT = '370502196803152021'
const CODE = 'ABCD-EFGH-JKLM-NPQR'
const profile = { name: '王**', certNo: '370502********2021' }
const sent: unknown[] = []
beforeEach(() => {
  sent.length = 0
  Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:desk-certificate'), revokeObjectURL: vi.fn() })
})

function answer(reply: () => Response) {
  return http.post('*/api/v1/desk/certificates', async ({ request }) => {
    sent.push(await request.json())
    return reply()
  })
}
function error(code: ApiErrorBody['error']['code'], status: number) {
  const body: ApiErrorBody = { error: { code, message: ERROR_MESSAGES[code], requestId: 'req-desk-cert' } }
  return HttpResponse.json(body, { status })
}
const pdf = () => new HttpResponse(new Uint8Array([0x25, 0x50, 0x44, 0x46]), {
  headers: { 'content-type': 'application/pdf', 'x-certificate-code': CODE },
})

function mountPane(target: { subject: string } | { certNo: string, name: string } = { subject: SUBJECT }) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  // The pane reads only the target; the profile is the card's (masked name and number).
  return mount(DeskCertificatePane as Component, { props: { target, profile }, global: { plugins: [i18n, router] }, attachTo: document.body })
}

describe('desk 参保证明 pane', () => {
  it('is a tab of the console, titled in Chinese', () => {
    const pane = deskPanes.find(p => p.key === 'certificate')
    expect(pane).toBeDefined()
    expect(i18n.global.t(pane!.titleKey)).toBe('参保证明')
  })

  it('prints the BFF\'s PDF for the scanned person (handle in the body only) and shows its 验证码 and check link', async () => {
    server.use(answer(pdf))
    const wrapper = mountPane()
    await wrapper.get('[data-testid="desk-certificate-print"]').trigger('click')
    await flushPromises()
    expect(sent).toEqual([{ subject: SUBJECT }])
    expect(wrapper.get('[data-testid="desk-certificate-code"]').text()).toBe(CODE)
    expect(document.querySelector<HTMLIFrameElement>('iframe.desk-print-frame')?.src).toBe('blob:desk-certificate')
    expect(wrapper.get('a[target="_blank"]').attributes('href')).toBe(`/certificates/verify?code=${CODE}`)
    wrapper.unmount()
    expect(document.querySelector('iframe.desk-print-frame')).toBeNull()
  })

  it('by ID number sends only the number, and a refusal is said in Chinese with nothing printed', async () => {
    server.use(answer(() => error('CERTIFICATE_NOT_ENROLLED', 404)))
    const wrapper = mountPane({ certNo: CERT, name: '王芳' })
    await wrapper.get('[data-testid="desk-certificate-print"]').trigger('click')
    await flushPromises()
    expect(sent).toEqual([{ certNo: CERT }])
    expect(wrapper.get('[data-testid="desk-certificate-error"]').text()).toContain(ERROR_MESSAGES.CERTIFICATE_NOT_ENROLLED)
    expect(wrapper.find('[data-testid="desk-certificate-printed"]').exists()).toBe(false)
    expect(document.querySelector('iframe.desk-print-frame')).toBeNull()
    wrapper.unmount()
  })

  it('an ended staff session goes to the console (which signs the clerk in again), not into the pane', async () => {
    server.use(answer(() => error('UNAUTHENTICATED', 401)))
    const wrapper = mountPane()
    await wrapper.get('[data-testid="desk-certificate-print"]').trigger('click')
    await flushPromises()
    expect(wrapper.emitted('authError')?.[0]?.[0]).toMatchObject({ code: 'UNAUTHENTICATED' })
    expect(wrapper.find('[data-testid="desk-certificate-error"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
