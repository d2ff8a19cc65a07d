import type { RequestIdVariables } from 'hono/request-id'

/** Per-request data only: the request id and, when tokens are in use, the caller. */
export interface AppEnv {
  Variables: RequestIdVariables & {
    principal?: {
      readonly name: string
      readonly role: 'agent' | 'viewer' | 'approver' | 'admin'
      /** The local reviewer of a tokenless daemon (secret or dashboard session), not a named token. */
      readonly local?: boolean
    }
  }
}
