/** Host-specific tool-name prefix stripping (before normalization). */
import { EngineError, EngineErrorCode } from '../errors.ts'

export const ClientKind = {
  ClaudeCode: 'claude-code',
  ClaudeDesktop: 'claude-desktop',
  OpenClaw: 'openclaw',
  Raw: 'raw',
} as const
export type ClientKind = (typeof ClientKind)[keyof typeof ClientKind]

const SPELLINGS: ReadonlyMap<string, ClientKind> = new Map([
  ['claude-code', ClientKind.ClaudeCode],
  ['claude_code', ClientKind.ClaudeCode],
  ['claude-desktop', ClientKind.ClaudeDesktop],
  ['claude_desktop', ClientKind.ClaudeDesktop],
  ['openclaw', ClientKind.OpenClaw],
  ['open-claw', ClientKind.OpenClaw],
  ['open_claw', ClientKind.OpenClaw],
  ['raw', ClientKind.Raw],
  ['none', ClientKind.Raw],
])

/** Parses a client spelling; `undefined` when unknown. */
export function parseClientKind(s: string): ClientKind | undefined {
  return SPELLINGS.get(s)
}

/** Like `parseClientKind` but throws `EngineError(UnknownClient)` naming the supported kinds. */
export function requireClientKind(s: string): ClientKind {
  const kind = parseClientKind(s)
  if (kind === undefined) {
    throw new EngineError(
      EngineErrorCode.UnknownClient,
      `unknown client '${s}' (supported: claude-code, claude-desktop, openclaw, raw)`,
      { client: s },
    )
  }
  return kind
}

/** Strips the host's namespace prefix from a tool name. */
export function stripClientPrefix(toolName: string, client: ClientKind): string {
  switch (client) {
    case 'claude-code': {
      if (!toolName.startsWith('mcp__')) return toolName
      const rest = toolName.slice(5)
      const sep = rest.indexOf('__')
      return sep < 0 ? toolName : rest.slice(sep + 2)
    }
    case 'openclaw': {
      const dot = toolName.indexOf('.')
      return dot < 0 ? toolName : toolName.slice(dot + 1)
    }
    default:
      return toolName
  }
}
