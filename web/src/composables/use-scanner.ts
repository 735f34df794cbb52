import { onBeforeUnmount, onMounted } from 'vue'

/**
 * Fields that take a scanner gun's read themselves (the 电子凭证 field, a consent scan in a pane): inside an
 * element with this attribute the read and its Enter go on to that field's own form.
 */
export const SCAN_FIELD_ATTRIBUTE = 'data-scan-field'

export interface ScannerOptions {
  /** Called with what the gun read (its characters, without the Enter). */
  onScan: (code: string) => void
  /** Fewest characters a read has; shorter fast bursts are typing. */
  minLength?: number
  /** Longest pause, in ms, between two characters (and before the Enter) of one read. */
  maxGapMs?: number
  /** When a key event happened, in ms (tests pass their own clock). */
  now?: (e: KeyboardEvent) => number
  /** Where to listen; the document by default. */
  target?: Document | HTMLElement
}

/** A gun types ~100+ characters a second; even a fast typist leaves more than 35 ms between most keys. */
export const SCAN_MIN_LENGTH = 6
export const SCAN_MAX_GAP_MS = 35

function isPrintable(e: KeyboardEvent): boolean {
  return e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey
}

function ownsScan(el: Element | null): boolean {
  return !!el?.closest(`[${SCAN_FIELD_ATTRIBUTE}]`)
}

/**
 * The typed text field the read went into, if any: its value ends with the read, which is taken back out
 * (the read was not meant for it) and announced with an `input` event so v-model follows.
 */
function takeBack(el: Element | null, code: string): void {
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) return
  if (!el.value.endsWith(code)) return
  el.value = el.value.slice(0, el.value.length - code.length)
  el.dispatchEvent(new Event('input', { bubbles: true }))
}

/**
 * A window's scanner gun types what it read as keystrokes, quickly, and ends with Enter, into whatever has
 * focus. This listens on the whole page (capture phase, before any field or button) and tells a read from a
 * person by its speed: at least `minLength` printable characters, each within `maxGapMs` of the one before,
 * then Enter just as quickly. Such a read goes to `onScan`, and its Enter is stopped, so it never presses the
 * focused button or submits the focused form (the 代缴 QR code was created twice that way). Anything slower is
 * left alone: typing in the fields works as before. Inside a `data-scan-field` element the field handles the
 * read itself.
 */
export function createScanner(options: ScannerOptions): { attach: () => void, detach: () => void } {
  const minLength = options.minLength ?? SCAN_MIN_LENGTH
  const maxGap = options.maxGapMs ?? SCAN_MAX_GAP_MS
  const now = options.now ?? ((e: KeyboardEvent) => e.timeStamp || performance.now())
  let chars: string[] = []
  let last = Number.NEGATIVE_INFINITY
  /** The Enter of a read was stopped: its keypress and keyup are stopped too. */
  let swallowEnter = false

  function onKeydown(ev: Event): void {
    const e = ev as KeyboardEvent
    if (e.isComposing) {
      chars = []
      return
    }
    const at = now(e)
    if (e.key === 'Enter') {
      const read = chars.length >= minLength && at - last <= maxGap ? chars.join('') : null
      chars = []
      last = Number.NEGATIVE_INFINITY
      if (read === null || ownsScan(document.activeElement)) return
      e.preventDefault()
      e.stopImmediatePropagation()
      swallowEnter = true
      takeBack(document.activeElement, read)
      options.onScan(read)
      return
    }
    // Shift and the like come between a gun's characters too: neither part of the read nor a pause.
    if (!isPrintable(e)) return
    if (at - last > maxGap) chars = []
    chars.push(e.key)
    last = at
  }

  function onEnterAfter(ev: Event): void {
    const e = ev as KeyboardEvent
    if (!swallowEnter || e.key !== 'Enter') return
    e.preventDefault()
    e.stopImmediatePropagation()
    if (e.type === 'keyup') swallowEnter = false
  }

  const target = () => options.target ?? document
  return {
    attach() {
      target().addEventListener('keydown', onKeydown, true)
      target().addEventListener('keypress', onEnterAfter, true)
      target().addEventListener('keyup', onEnterAfter, true)
    },
    detach() {
      target().removeEventListener('keydown', onKeydown, true)
      target().removeEventListener('keypress', onEnterAfter, true)
      target().removeEventListener('keyup', onEnterAfter, true)
    },
  }
}

/** `createScanner` for a component's lifetime: listening while it is mounted. */
export function useScanner(options: ScannerOptions): void {
  const scanner = createScanner(options)
  onMounted(scanner.attach)
  onBeforeUnmount(scanner.detach)
}
