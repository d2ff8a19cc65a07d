/**
 * The engine's single error class and its closed code set, plus the validation-issue value that
 * pack loading and condition compilation return instead of throwing.
 */

export const EngineErrorCode = {
  /** A `domain.verb` string that is not in the closed taxonomy. */
  InvalidActionType: 'ENGINE_INVALID_ACTION_TYPE',
  /** A required normalizer parameter resolved to nothing. */
  MissingRequiredField: 'ENGINE_MISSING_REQUIRED_FIELD',
  /** A helper was called with the wrong arity or is unknown (caught at load; defensive). */
  HelperFailed: 'ENGINE_HELPER_FAILED',
  /** Packs failed validation while loading; `details.issues` holds the issues. */
  InvalidPack: 'ENGINE_INVALID_PACK',
  /** A scoring profile was rejected (guardrails, bad YAML); `details.issues` holds the issues. */
  InvalidProfile: 'ENGINE_INVALID_PROFILE',
  /** An unknown client kind for prefix stripping. */
  UnknownClient: 'ENGINE_UNKNOWN_CLIENT',
  /** `createEngine` before `await initParsers()`: the WASM parsers (bash, SQL) are not loaded. */
  ParsersNotReady: 'ENGINE_PARSERS_NOT_READY',
} as const
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode]

export class EngineError extends Error {
  override readonly name = 'EngineError'
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A location inside a parsed YAML/JSON document: keys and list indexes from the root. */
export type IssuePath = readonly (string | number)[]

export const IssueSeverity = { Error: 'error', Warning: 'warning' } as const
export type IssueSeverity = (typeof IssueSeverity)[keyof typeof IssueSeverity]

/**
 * One validation finding. `path` is the YAML path inside `file`; `line`/`column` (1-based) are
 * filled in by the pack loader, which knows the source text.
 */
export interface ValidationIssue {
  readonly severity: IssueSeverity
  /** Stable machine code, e.g. `unknown_key`, `unknown_operator`, `yaml_syntax`. */
  readonly code: string
  readonly message: string
  readonly path: IssuePath
  /** The offending key, when the issue is about one. */
  readonly key?: string
  readonly file?: string
  readonly line?: number
  readonly column?: number
}

/** Renders a path as `match.all[0].to` (empty path → `<root>`). */
export function formatIssuePath(path: IssuePath): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? seg : `.${seg}`
  }
  return out === '' ? '<root>' : out
}

/** `file:line:col: path: message` — the one rendering used by the CLI. */
export function formatIssue(issue: ValidationIssue): string {
  const where = [issue.file ?? '', issue.line ?? '', issue.line ? (issue.column ?? '') : '']
    .filter((p) => p !== '')
    .join(':')
  const level = issue.severity === 'warning' ? 'warning' : 'error'
  const prefix = where === '' ? '' : `${where}: `
  return `${prefix}${level}: ${formatIssuePath(issue.path)}: ${issue.message}`
}

export function issue(
  code: string,
  path: IssuePath,
  message: string,
  extra: { key?: string; severity?: IssueSeverity } = {},
): ValidationIssue {
  return {
    severity: extra.severity ?? IssueSeverity.Error,
    code,
    message,
    path,
    ...(extra.key === undefined ? {} : { key: extra.key }),
  }
}
