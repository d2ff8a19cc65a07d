/**
 * The closed action taxonomy: 22 domains, 159 `domain.verb` action types. Parsing follows the
 * reference's check order and messages (no trimming, no case folding).
 */

export const DOMAIN_VERBS = {
  email: [
    'search', 'read', 'read_thread', 'list_mailboxes', 'draft', 'list_drafts', 'send', 'mark_read',
    'flag', 'move', 'archive', 'mark_spam', 'delete', 'create_mailbox', 'set_forwarding',
    'add_delegate',
  ],
  message: ['post_channel', 'send_dm', 'send_sms', 'search', 'get', 'react', 'update', 'delete'],
  social: ['post', 'reply', 'delete', 'like', 'send_dm', 'search'],
  cms: ['publish', 'update', 'unpublish', 'schedule', 'delete', 'list'],
  newsletter: ['send', 'schedule', 'draft', 'update', 'unsubscribe'],
  calendar: ['list', 'get', 'create', 'update', 'delete', 'rsvp'],
  task: ['create', 'get', 'list', 'update', 'complete', 'assign', 'delete', 'comment'],
  file: [
    'list', 'get', 'read', 'create', 'update', 'delete', 'delete_recursive', 'move', 'copy', 'share',
    'upload', 'download', 'export', 'search',
  ],
  db: [
    'select', 'insert', 'update', 'delete', 'create', 'alter', 'drop', 'truncate', 'grant_access',
    'revoke_access', 'export', 'backup', 'restore',
  ],
  crm: ['list', 'get', 'search', 'create', 'update', 'delete', 'log_activity', 'export'],
  payment: [
    'charge', 'refund', 'transfer', 'get_balance', 'list', 'get', 'create', 'update',
    'cancel_subscription',
  ],
  legal: ['sign_document', 'submit_filing', 'accept_terms'],
  iam: [
    'list', 'get', 'create', 'update', 'delete', 'assign_role', 'revoke_role', 'reset_password',
    'generate_api_key', 'revoke_api_key',
  ],
  secret: ['get', 'list', 'create', 'update', 'rotate', 'delete'],
  infra: ['list', 'get', 'create', 'update', 'terminate', 'scale'],
  process: ['run', 'invoke'],
  network: ['get', 'post', 'put', 'delete', 'send_webhook'],
  dev: [
    'list', 'get', 'create', 'update', 'close_issue', 'merge_pr', 'push_code', 'deploy',
    'run_pipeline',
  ],
  browser: [
    'navigate', 'click', 'fill_form', 'submit_form', 'take_screenshot', 'download_file',
    'execute_js', 'scrape',
  ],
  device: ['lock', 'unlock', 'enable', 'disable', 'move'],
  ai: ['prompt', 'embed', 'fine_tune', 'invoke_agent', 'generate_image'],
  unknown: ['unclassified'],
} as const satisfies Record<string, readonly string[]>

export type Domain = keyof typeof DOMAIN_VERBS
export type Verb = (typeof DOMAIN_VERBS)[Domain][number]

export const DOMAINS = Object.keys(DOMAIN_VERBS) as readonly Domain[]

/** Every verb, each once, in first-declaration order. */
export const VERBS: readonly Verb[] = [...new Set(Object.values(DOMAIN_VERBS).flat())] as Verb[]

/** All 159 `domain.verb` strings in declaration order. */
export const ACTION_TYPES: readonly string[] = DOMAINS.flatMap((d) =>
  DOMAIN_VERBS[d].map((v) => `${d}.${v}`),
)

export const UNKNOWN_ACTION_TYPE = 'unknown.unclassified'

export interface ActionType {
  readonly domain: Domain
  readonly verb: Verb
  /** `<domain>.<verb>` */
  readonly name: string
}

export const ActionTypeErrorKind = {
  Parse: 'parse',
  UnknownDomain: 'unknown_domain',
  UnknownVerb: 'unknown_verb',
  InvalidCombination: 'invalid_combination',
} as const
export type ActionTypeErrorKind = (typeof ActionTypeErrorKind)[keyof typeof ActionTypeErrorKind]

export type ParseActionTypeResult =
  | { readonly ok: true; readonly actionType: ActionType }
  | { readonly ok: false; readonly kind: ActionTypeErrorKind; readonly message: string }

const DOMAIN_SET: ReadonlySet<string> = new Set(DOMAINS)
const VERB_SET: ReadonlySet<string> = new Set(VERBS)
const PAIRS: ReadonlyMap<string, ActionType> = new Map(
  DOMAINS.flatMap((domain) =>
    DOMAIN_VERBS[domain].map((verb): [string, ActionType] => [
      `${domain}.${verb}`,
      Object.freeze({ domain, verb, name: `${domain}.${verb}` }),
    ]),
  ),
)

/** Parses `"<domain>.<verb>"` against the closed taxonomy. */
export function parseActionType(s: string): ParseActionTypeResult {
  const known = PAIRS.get(s)
  if (known) return { ok: true, actionType: known }
  const dot = s.indexOf('.')
  if (dot < 0) {
    return { ok: false, kind: 'parse', message: `parse error: expected 'domain.verb', got '${s}'` }
  }
  const domain = s.slice(0, dot)
  const verb = s.slice(dot + 1)
  if (!DOMAIN_SET.has(domain)) {
    return { ok: false, kind: 'unknown_domain', message: `unknown domain: '${domain}'` }
  }
  if (!VERB_SET.has(verb)) {
    return { ok: false, kind: 'unknown_verb', message: `unknown verb: '${verb}'` }
  }
  return {
    ok: false,
    kind: 'invalid_combination',
    message: `invalid combination: verb '${verb}' is not valid for domain '${domain}'`,
  }
}

export function isActionType(s: string): boolean {
  return PAIRS.has(s)
}
