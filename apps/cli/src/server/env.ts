import type { IncomingMessage } from 'node:http'
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
    /** Set by `leanBodyLimit` (body.ts): the body is read from the Node request by `readBodyText`. */
    leanBody?: { readonly incoming: IncomingMessage; readonly size: number }
  }
}
