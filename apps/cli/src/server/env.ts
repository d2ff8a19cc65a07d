import type { IncomingMessage } from 'node:http'
import type { RequestIdVariables } from 'hono/request-id'
import type { TokenRole } from '@permit0/domain'

/** Per-request data only: the request id and, when tokens are in use, the caller. */
export interface AppEnv {
  Variables: RequestIdVariables & {
    principal?: {
      readonly name: string
      readonly role: TokenRole
      /** The local reviewer of a tokenless daemon (secret or dashboard session), not a named token. */
      readonly local?: boolean
    }
    /** Set by `leanBodyLimit` (body.ts): the body is read from the Node request by `readBodyText`. */
    leanBody?: { readonly incoming: IncomingMessage; readonly size: number }
  }
}
