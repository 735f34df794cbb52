import { describe, expect, it } from 'vitest'
import { regionFullName, regionLabel, regionName } from './region-names'

describe('region names (GB/T 2260 from @vant/area-data)', () => {
  it('names counties, cities and provinces by their code', () => {
    expect(regionName('370502')).toBe('东营区')
    expect(regionName('370523')).toBe('广饶县')
    expect(regionName('370500')).toBe('东营市')
    expect(regionName('520000')).toBe('贵州省')
    expect(regionName('522732')).toBe('三都水族自治县')
  })

  it('names a retired code by its successor, and an unlisted county by the city above it', () => {
    expect(regionName('610322')).toBe('凤翔区')
    expect(regionName('370599')).toBe('东营市')
  })

  it('gives nothing for what is not a division code', () => {
    expect(regionName('')).toBeUndefined()
    expect(regionName(undefined)).toBeUndefined()
    expect(regionName('37050')).toBeUndefined()
    expect(regionName('990000')).toBeUndefined()
    expect(regionLabel('990000')).toBe('990000')
  })

  it('puts the name with the code for staff, and the province and city before a county', () => {
    expect(regionLabel('370502')).toBe('东营区（370502）')
    expect(regionFullName('370502')).toBe('山东省东营市东营区')
    expect(regionFullName('370500')).toBe('山东省东营市')
    expect(regionFullName('520000')).toBe('贵州省')
    expect(regionFullName('990000')).toBe('990000')
  })
})
