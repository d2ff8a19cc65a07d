import { describe, expect, it } from 'vitest'
import { perMinute } from './overview-view.tsx'

describe('perMinute', () => {
  it('buckets timestamps into the last N minutes, oldest first, dropping older ones', () => {
    const now = Date.parse('2026-05-24T10:05:30.000Z')
    const series = perMinute(
      ['2026-05-24T10:05:01.000Z', '2026-05-24T10:05:59.000Z', '2026-05-24T10:03:10.000Z', '2026-05-24T09:00:00.000Z'],
      now,
      3,
    )
    expect(series.map((p) => p.count)).toEqual([1, 0, 2])
  })
})
