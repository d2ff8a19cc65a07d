/** What permit0 answers for one call. The values are the wire spellings (HTTP, audit log, SQL). */
export const Permission = { Allow: 'allow', Human: 'human', Deny: 'deny' } as const
export type Permission = (typeof Permission)[keyof typeof Permission]
