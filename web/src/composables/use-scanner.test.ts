import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { useScanner } from './use-scanner'

/** The test's clock: each key event happens at `clock.t` ms. */
const clock = { t: 1000 }

/**
 * What a browser does by default with an Enter nobody prevented: it presses the focused button (a synthetic
 * event has no default action, so the test plays it, after every listener has run).
 */
function pressDefault(e: KeyboardEvent) {
  if (e.key === 'Enter' && !e.defaultPrevented && e.target instanceof HTMLButtonElement) e.target.click()
}

function key(el: Element, k: string, gapMs: number): KeyboardEvent {
  clock.t += gapMs
  const down = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true })
  el.dispatchEvent(down)
  el.dispatchEvent(new KeyboardEvent('keypress', { key: k, bubbles: true, cancelable: true }))
  el.dispatchEvent(new KeyboardEvent('keyup', { key: k, bubbles: true, cancelable: true }))
  return down
}

/** Types `text` then Enter into the focused element, `gapMs` apart; returns the Enter's keydown. */
function type(text: string, gapMs: number): KeyboardEvent {
  const el = document.activeElement ?? document.body
  for (const c of text) {
    if (el instanceof HTMLInputElement) el.value += c
    key(el, c, gapMs)
  }
  return key(el, 'Enter', gapMs)
}

function mountPage() {
  const scans: string[] = []
  const clicks = vi.fn()
  const buttonKeys = vi.fn()
  const Page = defineComponent({
    setup() {
      const name = ref('')
      const own = ref('')
      useScanner({ onScan: c => scans.push(c), now: () => clock.t })
      return () => h('div', [
        h('input', { 'data-testid': 'name', 'value': name.value, 'onInput': (e: Event) => { name.value = (e.target as HTMLInputElement).value } }),
        h('p', { 'data-testid': 'name-model' }, name.value),
        h('div', { 'data-scan-field': '' }, [
          h('input', { 'data-testid': 'own', 'value': own.value, 'onInput': (e: Event) => { own.value = (e.target as HTMLInputElement).value } }),
        ]),
        h('button', { 'type': 'button', 'data-testid': 'submit', 'onClick': clicks, 'onKeydown': buttonKeys }, '生成缴费二维码'),
      ])
    },
  })
  const wrapper = mount(Page, { attachTo: document.body })
  window.addEventListener('keydown', pressDefault)
  return { wrapper, scans, clicks, buttonKeys }
}

afterEach(() => {
  window.removeEventListener('keydown', pressDefault)
  document.body.innerHTML = ''
})

describe('useScanner: a scanner-gun read anywhere on the page', () => {
  it('routes fast keystrokes ending in Enter to the scan handler, never to the focused button', async () => {
    const { wrapper, scans, clicks, buttonKeys } = mountPage()
    const button = wrapper.get('[data-testid="submit"]').element as HTMLButtonElement
    button.focus()
    expect(document.activeElement).toBe(button)

    const enter = type('v1.eyJhbGciOi-token_42', 8)
    expect(scans).toEqual(['v1.eyJhbGciOi-token_42'])
    expect(enter.defaultPrevented).toBe(true)
    expect(clicks).not.toHaveBeenCalled()
    // Not even the button's own key handler heard the Enter (its characters it may hear: they do nothing).
    expect(buttonKeys.mock.calls.map(([e]) => (e as KeyboardEvent).key)).not.toContain('Enter')

    // A second read right after is a second scan, and still no click.
    clock.t += 500
    type('v1.second-read', 5)
    expect(scans).toEqual(['v1.eyJhbGciOi-token_42', 'v1.second-read'])
    expect(clicks).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('takes slow typing for a person: no scan, and Enter presses the button as always', async () => {
    const { wrapper, scans, clicks } = mountPage()
    const button = wrapper.get('[data-testid="submit"]').element as HTMLButtonElement
    button.focus()
    const enter = type('v1.eyJhbGciOi-token', 120)
    expect(scans).toEqual([])
    expect(enter.defaultPrevented).toBe(false)
    expect(clicks).toHaveBeenCalledTimes(1)

    // Fast but short (a typist's burst), or fast then a pause before Enter: not a read either.
    clock.t += 500
    type('abc', 10)
    const lateEnter = (() => {
      for (const c of 'abcdefgh') key(button, c, 10)
      return key(button, 'Enter', 400)
    })()
    expect(scans).toEqual([])
    expect(lateEnter.defaultPrevented).toBe(false)
    expect(clicks).toHaveBeenCalledTimes(3)
    wrapper.unmount()
  })

  it('takes a read back out of the text field it landed in, and leaves a person\'s typing there', async () => {
    const { wrapper, scans } = mountPage()
    const name = wrapper.get('[data-testid="name"]').element as HTMLInputElement
    name.focus()
    type('张三', 150)
    expect(scans).toEqual([])
    name.value += 'v1.scanned-code'
    for (const c of 'v1.scanned-code') key(name, c, 6)
    key(name, 'Enter', 6)
    expect(scans).toEqual(['v1.scanned-code'])
    expect(name.value).toBe('张三')
    await wrapper.vm.$nextTick()
    expect(wrapper.get('[data-testid="name-model"]').text()).toBe('张三')
    wrapper.unmount()
  })

  it('leaves a read to a field that takes scans itself (data-scan-field)', async () => {
    const { wrapper, scans } = mountPage()
    const own = wrapper.get('[data-testid="own"]').element as HTMLInputElement
    own.focus()
    const enter = type('v1.consent-scan', 6)
    expect(scans).toEqual([])
    expect(enter.defaultPrevented).toBe(false)
    expect(own.value).toBe('v1.consent-scan')
    wrapper.unmount()
  })

  it('stops listening when the page goes', async () => {
    const { wrapper, scans } = mountPage()
    wrapper.unmount()
    type('v1.after-unmount', 5)
    expect(scans).toEqual([])
  })
})
