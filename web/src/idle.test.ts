import { afterEach, describe, expect, it } from 'vitest'
import { preloadModules } from './idle'

afterEach(() => {
  document.head.innerHTML = ''
})

function links() {
  return [...document.head.querySelectorAll<HTMLLinkElement>('link')].map(l => [l.rel, l.getAttribute('href')])
}

describe('preloadModules', () => {
  it('adds one modulepreload link per chunk the build listed under the name, and says so', () => {
    const meta = document.createElement('meta')
    meta.name = 'yibao:idle-preload:estimate-checks'
    meta.content = '/assets/estimate-checks-abc.js  /assets/zod-def.js'
    document.head.append(meta)

    expect(preloadModules('estimate-checks')).toBe(true)
    expect(links()).toEqual([
      ['modulepreload', '/assets/estimate-checks-abc.js'],
      ['modulepreload', '/assets/zod-def.js'],
    ])
    // The page mounted again (the resident went back and came again): no second set of links.
    expect(preloadModules('estimate-checks')).toBe(true)
    expect(links()).toHaveLength(2)
  })

  it('does nothing and answers false where the page lists no such chunks (the dev server), or another name', () => {
    const meta = document.createElement('meta')
    meta.name = 'yibao:idle-preload:other'
    meta.content = '/assets/other.js'
    document.head.append(meta)

    expect(preloadModules('estimate-checks')).toBe(false)
    expect(links()).toEqual([])
  })
})
