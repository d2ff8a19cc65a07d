import { describe, expect, it } from 'vitest'
import { decisionSplit, perMinute } from './overview-view.tsx'

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

describe('decisionSplit', () => {
  it('slices every call once: reviewed calls count as what the person decided, not again as human', () => {
    // 5 calls: 2 allowed (1 by a reviewer), 2 denied (1 by a reviewer, 1 timed out), 1 left to the host prompt.
    const stats = { total_decisions: 5, allow_count: 2, deny_count: 2, human_count: 4, fallback_count: 0, tier_distribution: {}, pending_approvals: 0 }
    const split = decisionSplit(stats)
    expect(split.map((s) => [s.name, s.value])).toEqual([
      ['Allow', 2],
      ['Deny', 2],
      ['Host prompt', 1],
      ['Bypass', 0],
    ])
    expect(split.reduce((sum, s) => sum + s.value, 0)).toBe(stats.total_decisions)
  })
})
