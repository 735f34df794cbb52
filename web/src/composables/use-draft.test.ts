import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, reactive } from 'vue'
import { saveDrafts, useDraft } from './use-draft'

/** A form page of `owner` (the masked ID number of the signed-in resident) that keeps its draft as `key`. */
function formPage(owner: string | null) {
  const state = reactive({ name: '', address: '' })
  let restored = false
  const Page = defineComponent({
    setup() {
      restored = useDraft('cross-region', state, owner)
      return () => h('p', state.name)
    },
  })
  const wrapper = mount(Page)
  return { state, wrapper, restored: () => restored }
}

afterEach(() => sessionStorage.clear())

describe('useDraft (a form kept across 登录已过期)', () => {
  it('puts the form back once, for the same resident after signing in again', () => {
    const before = formPage('370502********0421')
    Object.assign(before.state, { name: '王小明', address: '深圳市南山区某路1号' })
    saveDrafts('370502********0421')
    before.wrapper.unmount()
    const after = formPage('370502********0421')
    expect(after.restored()).toBe(true)
    expect(after.state).toEqual({ name: '王小明', address: '深圳市南山区某路1号' })
    after.wrapper.unmount()
    // Once only: it is gone from the tab's storage.
    expect(sessionStorage.length).toBe(0)
    const again = formPage('370502********0421')
    expect(again.state.name).toBe('')
    again.wrapper.unmount()
  })

  it('drops the draft unread when somebody else signs in on the same phone', () => {
    const before = formPage('370502********0421')
    before.state.address = '深圳市南山区某路1号'
    saveDrafts('370502********0421')
    before.wrapper.unmount()
    const other = formPage('610322********0281')
    expect(other.restored()).toBe(false)
    expect(other.state.address).toBe('')
    expect(sessionStorage.length).toBe(0)
    other.wrapper.unmount()
  })

  it('keeps nothing of a page that was closed, and survives a draft that does not read back', () => {
    const closed = formPage('370502********0421')
    closed.wrapper.unmount()
    saveDrafts('370502********0421')
    expect(sessionStorage.length).toBe(0)
    sessionStorage.setItem('yb-draft:cross-region', '{not json')
    const unreadable = formPage('370502********0421')
    expect(unreadable.restored()).toBe(false)
    unreadable.wrapper.unmount()
  })
})
