/**
 * API token roles (product §3.8): agents check, viewers read, approvers read and decide, admins do
 * everything. The values are the wire spellings (`permit0 token create --role`, `/whoami`, SQL).
 */
export const TokenRole = { Agent: 'agent', Viewer: 'viewer', Approver: 'approver', Admin: 'admin' } as const
export type TokenRole = (typeof TokenRole)[keyof typeof TokenRole]
