import { describe, expect, it } from 'vitest'
import { anyRegionCovers, regionCovers, regionLikePattern } from './region'

describe('region coverage of staff accounts', () => {
  it('covers a whole city with a code ending in 00', () => {
    expect(regionCovers('370500', '370502')).toBe(true)
    expect(regionCovers('370500', '370523')).toBe(true)
    expect(regionCovers('370500', '370500')).toBe(true)
    expect(regionCovers('370500', '370602')).toBe(false)
    expect(regionCovers('370500', '522601')).toBe(false)
  })

  it('covers a whole province with a code ending in 0000', () => {
    expect(regionCovers('520000', '522601')).toBe(true)
    expect(regionCovers('520000', '520102')).toBe(true)
    expect(regionCovers('520000', '530102')).toBe(false)
    expect(regionCovers('520000', '370502')).toBe(false)
  })

  it('covers a district code only itself', () => {
    expect(regionCovers('370502', '370502')).toBe(true)
    expect(regionCovers('370502', '370503')).toBe(false)
    expect(regionCovers('370502', '370500')).toBe(false)
  })

  it('never covers malformed codes', () => {
    expect(regionCovers('3705', '370502')).toBe(false)
    expect(regionCovers('370500', '')).toBe(false)
    expect(regionCovers('370500', '3705xx')).toBe(false)
  })

  it('checks a list of codes and gives the SQL pattern of each', () => {
    expect(anyRegionCovers(['370502', '520000'], '522601')).toBe(true)
    expect(anyRegionCovers(['370502', '520000'], '610322')).toBe(false)
    expect(anyRegionCovers([], '370502')).toBe(false)
    expect([regionLikePattern('520000'), regionLikePattern('370500'), regionLikePattern('370502')]).toEqual(['52%', '3705%', '370502'])
  })
})
