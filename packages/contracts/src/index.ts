/**
 * Wire schemas of the permit0 HTTP API, shared by the server, the dashboard and the clients.
 * zod only; no Node or database dependencies (this package ships to the browser).
 */

/** Enums and scalars */
export {
  ApprovalIdSchema,
  AuditSourceSchema,
  DecisionSourceSchema,
  JsonObjectSchema,
  NormHashSchema,
  PermissionInputSchema,
  PermissionSchema,
  RememberSchema,
  RememberScopeSchema,
  TierSchema,
  TimestampSchema,
} from './common.ts'
export type { AuditSource, DecisionSource, Permission, Remember, RememberScope, Tier } from './common.ts'

/** The snake_case wire form of a verdict and its risk score (one definition) */
export { RISK_WIRE_FIELDS, riskFromWire, riskToWire, verdictToWire } from './verdict-wire.ts'
export type { RiskFields, RiskWire, VerdictFields, VerdictWire } from './verdict-wire.ts'

/** `/check`, `/check_action` */
export {
  CheckAcceptedSchema,
  CheckActionRequestSchema,
  CheckMetadataSchema,
  CheckRequestSchema,
  CheckRequestWireSchema,
  CheckResponseSchema,
  createCheckRequestSchemas,
  MAX_HITL_TIMEOUT_SECS,
  MAX_SESSION_ID_LENGTH,
} from './check.ts'
export type {
  CheckAccepted,
  CheckActionRequest,
  CheckRequest,
  CheckRequestWire,
  CheckResponse,
} from './check.ts'

/** Approvals queue, decide, long-poll wait, SSE events */
export {
  ApprovalCreatedEventSchema,
  ApprovalEventSchema,
  ApprovalEventType,
  ApprovalKindSchema,
  ApprovalListSchema,
  ApprovalResolutionSchema,
  ApprovalResolvedEventSchema,
  ApprovalStatusSchema,
  ApprovalSummarySchema,
  DecideRequestSchema,
  DecideResponseSchema,
  WaitQuerySchema,
} from './approvals.ts'
export type {
  ApprovalEvent,
  ApprovalKind,
  ApprovalList,
  ApprovalResolution,
  ApprovalStatus,
  ApprovalSummary,
  DecideRequest,
  DecideRequestWire,
  DecideResponse,
  WaitQuery,
} from './approvals.ts'

/** Audit log */
export {
  AuditEntrySchema,
  AuditEventKindSchema,
  AuditExportQuerySchema,
  AuditPageSchema,
  AuditQuerySchema,
} from './audit.ts'
export type { AuditEntry, AuditEventKind, AuditPage, AuditQuery } from './audit.ts'

/** Stats, lists, health, errors */
export {
  ErrorEnvelopeSchema,
  ErrorIssueSchema,
  HealthSchema,
  ListAddRequestSchema,
  ListEntriesSchema,
  ListEntrySchema,
  ListKindSchema,
  ListRemoveRequestSchema,
  StatsSchema,
} from './misc.ts'
export type { ErrorEnvelope, Health, ListAddRequest, ListEntry, ListKind, Stats } from './misc.ts'

/** Dashboard read models: chain status, calibration, packs, pack validation, whoami */
export {
  AuditVerifySchema,
  CalibrationRecordsSchema,
  CalibrationStatsSchema,
  DecisionsPerMinuteSchema,
  PackInfoSchema,
  PacksSchema,
  PackValidateRequestSchema,
  PackValidateResponseSchema,
  RoleSchema,
  WhoamiSchema,
} from './dashboard.ts'
export type {
  AuditVerify,
  CalibrationStats,
  DecisionsPerMinute,
  PackInfo,
  PackValidateResponse,
  Role,
  Whoami,
} from './dashboard.ts'

/** Fail-open replay (`POST /api/v1/audit/replay`, `GET /api/v1/audit/failed_open_windows`) */
export {
  FailedOpenEventSchema,
  FailedOpenWindowSchema,
  FailedOpenWindowsSchema,
  MAX_REPLAY_BATCH,
  ReplayRequestSchema,
  ReplayResponseSchema,
} from './replay.ts'
export type {
  FailedOpenEvent,
  FailedOpenEventWire,
  FailedOpenWindow,
  FailedOpenWindows,
  ReplayRequest,
  ReplayRequestWire,
  ReplayResponse,
} from './replay.ts'
