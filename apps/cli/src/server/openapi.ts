import { z } from 'zod'
import {
  ApprovalListSchema,
  ApprovalSummarySchema,
  AuditPageSchema,
  AuditVerifySchema,
  CalibrationRecordsSchema,
  CalibrationStatsSchema,
  CheckAcceptedSchema,
  CheckActionRequestSchema,
  CheckRequestWireSchema,
  CheckResponseSchema,
  DecideRequestSchema,
  DecideResponseSchema,
  ErrorEnvelopeSchema,
  HealthSchema,
  ListAddRequestSchema,
  ListEntriesSchema,
  ListEntrySchema,
  ListRemoveRequestSchema,
  PacksSchema,
  PackValidateRequestSchema,
  PackValidateResponseSchema,
  StatsSchema,
  WhoamiSchema,
} from '@permit0/contracts'

const SCHEMAS = {
  CheckRequest: CheckRequestWireSchema,
  CheckActionRequest: CheckActionRequestSchema,
  CheckResponse: CheckResponseSchema,
  CheckAccepted: CheckAcceptedSchema,
  ApprovalSummary: ApprovalSummarySchema,
  ApprovalList: ApprovalListSchema,
  DecideRequest: DecideRequestSchema,
  DecideResponse: DecideResponseSchema,
  AuditPage: AuditPageSchema,
  AuditVerify: AuditVerifySchema,
  Stats: StatsSchema,
  ListEntry: ListEntrySchema,
  ListEntries: ListEntriesSchema,
  ListAddRequest: ListAddRequestSchema,
  ListRemoveRequest: ListRemoveRequestSchema,
  Health: HealthSchema,
  Whoami: WhoamiSchema,
  Packs: PacksSchema,
  PackValidateRequest: PackValidateRequestSchema,
  PackValidateResponse: PackValidateResponseSchema,
  CalibrationStats: CalibrationStatsSchema,
  CalibrationRecords: CalibrationRecordsSchema,
  Error: ErrorEnvelopeSchema,
} as const

type SchemaName = keyof typeof SCHEMAS
const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` })
const json = (name: SchemaName, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
})
const errors = {
  '400': json('Error', 'Invalid request (body, query or JSON)'),
  '401': json('Error', 'Missing or invalid bearer token (API token, or the reviewer secret / session of a token-less daemon)'),
  '403': json('Error', 'The token role may not call this route'),
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>
  return rest
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the shared contracts. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const input = new Set<SchemaName>(['CheckRequest', 'CheckActionRequest', 'DecideRequest', 'ListAddRequest', 'ListRemoveRequest', 'PackValidateRequest'])
  const schemas = Object.fromEntries(
    Object.entries(SCHEMAS).map(([name, schema]) => [name, schemaOf(schema, input.has(name as SchemaName) ? 'input' : 'output')]),
  )
  const body = (name: SchemaName) => ({ required: true, content: { 'application/json': { schema: ref(name) } } })
  return {
    openapi: '3.1.0',
    info: { title: 'permit0', version, description: 'Policy engine between AI agents and their tools.' },
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }, {}],
    paths: {
      '/api/v1/check': {
        post: {
          summary: 'Decide a raw tool call (may park for a human with --ui)',
          parameters: [{ name: 'Prefer', in: 'header', schema: { type: 'string', example: 'respond-async' } }],
          requestBody: body('CheckRequest'),
          responses: {
            '200': json('CheckResponse', 'The verdict'),
            '202': json('CheckAccepted', 'Parked; long-poll wait_url'),
            '408': json('Error', 'No human decided in time'),
            '413': json('Error', 'Body too large'),
            ...errors,
          },
        },
      },
      '/api/v1/check_action': {
        post: {
          summary: 'Decide a pre-normalized action (admin: the caller names the action type)',
          requestBody: body('CheckActionRequest'),
          responses: { '200': json('CheckResponse', 'The verdict'), '202': json('CheckAccepted', 'Parked'), '408': json('Error', 'Timed out'), ...errors },
        },
      },
      '/api/v1/session/login': {
        get: {
          summary: 'Exchange a one-time login code (the link serve --ui prints) for an HttpOnly, SameSite=Strict session cookie',
          security: [{}],
          parameters: [{ name: 'code', in: 'query', required: true, schema: { type: 'string' } }],
          responses: { '303': { description: 'Session cookie set; redirect to /ui/' }, '401': json('Error', 'Invalid, used or expired code') },
        },
      },
      '/api/v1/session/link': {
        post: {
          summary: 'A new one-time login link (reviewer secret of a token-less daemon)',
          responses: { '200': { description: '{login_url, expires_at}' }, ...errors },
        },
      },
      '/api/v1/session/logout': { post: { summary: 'End the dashboard session', security: [{}], responses: { '200': { description: '{ok: true}' } } } },
      '/api/v1/approvals': { get: { summary: 'Pending approvals, oldest first', responses: { '200': json('ApprovalList', 'Queue'), ...errors } } },
      '/api/v1/approvals/decide': {
        post: {
          summary: 'Decide a pending approval (exactly one decision wins)',
          requestBody: body('DecideRequest'),
          responses: {
            '200': json('DecideResponse', 'Decided'),
            '404': json('Error', 'Unknown approval'),
            '409': json('Error', 'Already resolved; error.resolution holds the winner'),
            ...errors,
          },
        },
      },
      '/api/v1/approvals/stream': {
        get: { summary: 'Server-sent events: approval.created, approval.resolved', responses: { '200': { description: 'text/event-stream' } } },
      },
      '/api/v1/approvals/{id}': {
        get: {
          summary: 'One approval with its resolution',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': json('ApprovalSummary', 'Approval'), '404': json('Error', 'Unknown approval'), ...errors },
        },
      },
      '/api/v1/approvals/{id}/wait': {
        get: {
          summary: 'Long-poll an approval',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'timeout', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 300, default: 30 } },
          ],
          responses: {
            '200': json('CheckResponse', 'A human decided'),
            '202': json('CheckAccepted', 'Still pending'),
            '404': json('Error', 'Unknown approval'),
            '408': json('Error', 'Expired without a decision'),
            ...errors,
          },
        },
      },
      '/api/v1/audit': { get: { summary: 'Audit entries, newest first, cursor-paginated', responses: { '200': json('AuditPage', 'Page'), ...errors } } },
      '/api/v1/audit/export': { get: { summary: 'All entries oldest first (jsonl or csv)', responses: { '200': { description: 'application/x-ndjson or text/csv' } } } },
      '/api/v1/audit/verify': { get: { summary: 'Verify the audit chain', responses: { '200': json('AuditVerify', 'Result') } } },
      '/api/v1/stats': { get: { summary: 'Decision statistics', responses: { '200': json('Stats', 'Stats'), ...errors } } },
      '/api/v1/lists/{kind}': {
        parameters: [{ name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: ['allowlist', 'denylist'] } }],
        get: { summary: 'List entries', responses: { '200': json('ListEntries', 'Entries'), ...errors } },
        post: { summary: 'Add or replace an entry (admin)', requestBody: body('ListAddRequest'), responses: { '201': json('ListEntry', 'Saved'), ...errors } },
        delete: { summary: 'Remove an entry (admin)', requestBody: body('ListRemoveRequest'), responses: { '200': { description: '{removed: boolean}' }, ...errors } },
      },
      '/api/v1/health': { get: { summary: 'Liveness and store health (public)', security: [], responses: { '200': json('Health', 'Healthy'), '503': json('Health', 'Store down') } } },
      '/api/v1/packs': { get: { summary: 'Loaded packs: normalizers and risk rules (read-only)', responses: { '200': json('Packs', 'Packs'), ...errors } } },
      '/api/v1/packs/validate': {
        post: {
          summary: 'Validate one pasted pack file (manifest, normalizer or risk rule); nothing is saved or loaded',
          requestBody: body('PackValidateRequest'),
          responses: { '200': json('PackValidateResponse', 'Result'), ...errors },
        },
      },
      '/api/v1/calibration/stats': { get: { summary: 'Agreement of human decisions with the engine', responses: { '200': json('CalibrationStats', 'Stats'), ...errors } } },
      '/api/v1/calibration/records': { get: { summary: 'Human decisions beside the engine verdicts', responses: { '200': json('CalibrationRecords', 'Records'), ...errors } } },
      '/api/v1/whoami': { get: { summary: 'The caller identity', responses: { '200': json('Whoami', 'Identity') } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text/plain; version=0.0.4' } } } },
    },
  }
}
