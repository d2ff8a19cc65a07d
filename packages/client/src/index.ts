/** Client: talk to a `permit0 serve` daemon. */
export {
  CLIENT_NAME,
  CLIENT_VERSION,
  FAILED_OPEN_SOURCE,
  createClient,
  type CallOptions,
  type CheckActionInput,
  type CheckInput,
  type ClientOptions,
  type Decision,
  type Permit0Client,
  type ReplayReport,
} from './client.ts'

/** Wrappers: gate a function or a tool dispatcher on a verdict. */
export {
  blockReason,
  guard,
  isBlocked,
  middleware,
  type Blocked,
  type GuardOptions,
  type MiddlewareContext,
  type ToolDispatch,
} from './guard.ts'

/** Errors. */
export { ClientError, ClientErrorCode } from './errors.ts'

/** Failed-open buffering and the wire shapes of replay. */
export { createFailOpenBuffer, type FailOpenBuffer, type FailOpenBufferStatus } from './fail-open-buffer.ts'
export { MAX_REPLAY_BATCH, type FailedOpenEvent } from '@permit0/contracts'
export type { FetchLike } from './transport.ts'
