/** Risk tiers, lowest first. The values are the wire spellings. */
export const Tier = {
  Minimal: 'MINIMAL',
  Low: 'LOW',
  Medium: 'MEDIUM',
  High: 'HIGH',
  Critical: 'CRITICAL',
} as const
export type Tier = (typeof Tier)[keyof typeof Tier]
