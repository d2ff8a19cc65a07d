/**
 * `permit0 replay --packs-dir <candidate> <export.jsonl>`: re-decides the calls recorded in a JSONL
 * audit export with a candidate policy and prints what would change. Not the HTTP `/audit/replay`
 * route (that one replays a client's failed-open events into the audit log).
 *
 * The export is verified as `permit0 audit verify` does (hashes, chain links, batch signatures)
 * while it is read; any bad line stops the replay with an error naming it and nothing else is
 * printed. Exit codes: 0 nothing became more permissive, 3 something did, 1 bad export, 2 usage or
 * configuration error (no key, candidate packs that fail to load).
 */
import { existsSync } from 'node:fs'
import { Command, Option } from 'commander'
import {
  DecisionSource,
  type Engine,
  type JsonObject,
  type Permission,
  type PolicyStore,
  type RiskScore,
  type Verdict,
} from '@permit0/engine'
import { auditEntryFromJson, createAuditChainVerifier, type AuditEntry } from '@permit0/store'
import { buildEngine, withEngineOptions, type EngineCliOptions } from '../engine-factory.ts'
import type { CliContext } from '../env.ts'
import { resolveTrustedKeys, type TrustedKeyOptions } from './audit/verify.ts'
import { readJsonl } from './audit/jsonl.ts'
import type { CommandIo } from './pack/io.ts'
import { processIo } from './pack/io.ts'

export const REPLAY_EXIT = { ok: 0, badExport: 1, usage: 2, morePermissive: 3 } as const

export interface ReplayOptions extends EngineCliOptions, TrustedKeyOptions {
  readonly file: string
  /** Changed calls listed in full (default 20). */
  readonly limit?: number
  readonly json?: boolean
}

export interface ReplayDeps {
  readonly io: CommandIo
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd?: string
  /** Injected in tests instead of building one from `--packs-dir`. */
  readonly engine?: Pick<Engine, 'check' | 'checkAction' | 'toNormAction'>
}

/** One side of a comparison: what a policy answered for a call. */
export interface ReplaySide {
  readonly permission: Permission | 'error'
  readonly source: string
  readonly risk?: RiskScore
  /** The verdict's own one-line explanation, when it carries one. */
  readonly explanation?: string
}

/** A call whose answer changed. */
export interface ReplayChange {
  readonly line: number
  readonly sequence: number
  readonly entryId: string
  readonly timestamp: string
  readonly toolName: string
  readonly actionType: string
  readonly channel: string
  readonly recorded: ReplaySide
  readonly candidate: ReplaySide
  readonly morePermissive: boolean
}

export interface ReplayReport {
  readonly file: string
  readonly entries: number
  readonly firstSequence?: number
  readonly lastSequence?: number
  readonly replayed: number
  readonly unchanged: number
  /** Entries decided by the allow/deny list: a packs dir does not change them, so they are kept. */
  readonly keptByList: number
  /** `from→to` → count, e.g. `human→allow`. */
  readonly transitions: Readonly<Record<string, number>>
  readonly morePermissive: number
  readonly candidateErrors: number
  readonly changes: readonly ReplayChange[]
}

const RANK: Record<Permission, number> = { deny: 0, human: 1, allow: 2 }

/** deny → human/allow and human → allow loosen the policy. */
export const isMorePermissive = (from: Permission, to: Permission | 'error'): boolean => to !== 'error' && RANK[to] > RANK[from]

/**
 * The one-line "why" of a side. Uses the verdict's explanation when it has one; until every verdict
 * carries one, built from the source, tier, score, block reason and flags.
 */
export function explainSide(side: ReplaySide): string {
  const parts = [side.source]
  const risk = side.risk
  if (risk !== undefined) {
    parts.push(`${risk.tier} score ${risk.score}`)
    if (risk.blockReason !== undefined) parts.push(`blocked: ${risk.blockReason}`)
    if (risk.flags.length > 0) parts.push(`flags ${risk.flags.join(',')}`)
  }
  const why = parts.join(', ')
  return side.explanation !== undefined && side.explanation !== '' ? `${why} — ${side.explanation}` : why
}

const explanationOf = (value: unknown): string | undefined => {
  const text = (value as { explanation?: unknown }).explanation
  return typeof text === 'string' ? text : undefined
}

/** The recorded policy answer: the engine's own verdict (before any human), else the entry's decision. */
function recordedSide(entry: AuditEntry, raw: unknown): ReplaySide {
  const explanation = explanationOf(raw)
  return {
    permission: entry.engineDecision ?? entry.decision,
    source: entry.engineSource ?? entry.decisionSource,
    ...(entry.risk !== undefined && { risk: entry.risk }),
    ...(explanation !== undefined && { explanation }),
  }
}

function candidateSide(verdict: Verdict): ReplaySide {
  const explanation = explanationOf(verdict)
  return {
    permission: verdict.permission,
    source: verdict.source,
    ...(verdict.risk !== undefined && { risk: verdict.risk }),
    ...(explanation !== undefined && { explanation }),
  }
}

/** A policy store with nothing in it that keeps nothing: the candidate decides every call afresh. */
const emptyPolicy: PolicyStore = {
  lookup: () => Promise.resolve({ denylisted: false, allowlisted: false }),
  cacheSet: () => Promise.resolve(),
}

/** The bad-export error: the line it is at and what is wrong. */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError'
}

const CSV_HEADER = /^entry_id,timestamp,sequence,/

/** Re-decides every replayable entry of `file`; throws `ReplayInputError` on a bad export. */
export async function replayExport(
  file: string,
  keys: readonly string[],
  engine: Pick<Engine, 'check' | 'checkAction' | 'toNormAction'>,
  options: { limit: number; orgDomain?: string; nowMs?: number },
): Promise<ReplayReport> {
  const verifier = createAuditChainVerifier(keys)
  const transitions: Record<string, number> = {}
  const changes: ReplayChange[] = []
  let entries = 0
  let replayed = 0
  let unchanged = 0
  let keptByList = 0
  let morePermissive = 0
  let candidateErrors = 0
  let firstSequence: number | undefined
  let lastSequence: number | undefined
  let uncoveredLine = 0
  for await (const item of readJsonl(file)) {
    if ('error' in item) {
      throw new ReplayInputError(
        item.line === 1 && CSV_HEADER.test(item.text)
          ? `${file}:1: a CSV export; replay needs the JSONL export (\`permit0 audit export --format jsonl\`), which holds the raw tool calls`
          : `${file}:${item.line}: ${item.error} (a truncated or foreign file? replay reads a JSONL audit export)`,
      )
    }
    const value = item.value
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ReplayInputError(`${file}:${item.line}: not a JSON object (replay reads a JSONL audit export)`)
    }
    const fields = value as { sequence?: unknown; entry_id?: unknown }
    const where = `${file}:${item.line}${typeof fields.sequence === 'number' ? ` (seq ${fields.sequence})` : ''}`
    if (typeof fields.entry_id !== 'string' || typeof fields.sequence !== 'number') {
      throw new ReplayInputError(`${where}: not a permit0 audit entry (no entry_id / sequence)`)
    }
    const broken = verifier.push(value)
    if (broken !== undefined) throw new ReplayInputError(`${where}: does not verify: ${broken}`)
    if (verifier.uncovered === 1) uncoveredLine = item.line
    let entry: AuditEntry
    try {
      entry = auditEntryFromJson(value)
    } catch (err) {
      throw new ReplayInputError(`${where}: not an entry this permit0 can read: ${(err as Error).message}`)
    }
    entries += 1
    firstSequence ??= entry.sequence
    lastSequence = entry.sequence
    const recorded = recordedSide(entry, value)
    if (recorded.source === DecisionSource.Denylist || recorded.source === DecisionSource.Allowlist) {
      keptByList += 1
      continue
    }
    const candidate = await decide(engine, entry, options)
    replayed += 1
    const from = recorded.permission as Permission
    if (candidate.permission === from) {
      unchanged += 1
      continue
    }
    const key = `${from}→${candidate.permission}`
    transitions[key] = (transitions[key] ?? 0) + 1
    const looser = isMorePermissive(from, candidate.permission)
    if (looser) morePermissive += 1
    if (candidate.permission === 'error') candidateErrors += 1
    if (changes.length < options.limit) {
      changes.push({
        line: item.line,
        sequence: entry.sequence,
        entryId: entry.entryId,
        timestamp: new Date(entry.timestampMs).toISOString(),
        toolName: entry.rawToolCall.toolName,
        actionType: entry.action.actionType,
        channel: entry.action.channel,
        recorded,
        candidate,
        morePermissive: looser,
      })
    }
  }
  const unsigned = verifier.finish()
  if (unsigned !== undefined) {
    throw new ReplayInputError(
      `${file}:${uncoveredLine} (seq ${unsigned.sequence}): does not verify: ${unsigned.reason}`,
    )
  }
  if (entries === 0) throw new ReplayInputError(`${file}: no audit entries (an empty export?)`)
  return {
    file,
    entries,
    ...(firstSequence !== undefined && { firstSequence }),
    ...(lastSequence !== undefined && { lastSequence }),
    replayed,
    unchanged,
    keptByList,
    transitions,
    morePermissive,
    candidateErrors,
    changes,
  }
}

/**
 * Re-decides one recorded call. The engine saw the tool name without the host's prefix; that name
 * is the action's `surface_tool`. A `/check_action` call (`__action:<type>`) is rebuilt from its
 * normalized action. An engine error is reported as such, never as an answer.
 */
async function decide(
  engine: Pick<Engine, 'check' | 'checkAction' | 'toNormAction'>,
  entry: AuditEntry,
  options: { orgDomain?: string; nowMs?: number },
): Promise<ReplaySide> {
  const nowMs = options.nowMs ?? entry.timestampMs
  const raw = entry.rawToolCall
  try {
    const verdict = raw.toolName.startsWith('__action:')
      ? await engine.checkAction(
          engine.toNormAction({
            actionType: entry.action.actionType,
            channel: entry.action.channel,
            parameters: (raw.parameters ?? {}) as JsonObject,
          }),
          { store: emptyPolicy, nowMs },
        )
      : await engine.check(
          { toolName: entry.action.execution.surfaceTool || raw.toolName, parameters: raw.parameters, metadata: raw.metadata },
          { store: emptyPolicy, nowMs, ...(options.orgDomain !== undefined && { orgDomain: options.orgDomain }) },
        )
    return candidateSide(verdict)
  } catch (err) {
    return { permission: 'error', source: `engine error: ${err instanceof Error ? err.message : String(err)}` }
  }
}

const sideJson = (side: ReplaySide): JsonObject => ({
  permission: side.permission,
  source: side.source,
  ...(side.risk !== undefined && { tier: side.risk.tier, score: side.risk.score, flags: [...side.risk.flags] }),
  ...(side.risk?.blockReason !== undefined && { block_reason: side.risk.blockReason }),
  explanation: explainSide(side),
})

export function reportJson(report: ReplayReport): JsonObject {
  return {
    file: report.file,
    entries: report.entries,
    ...(report.firstSequence !== undefined && { first_sequence: report.firstSequence }),
    ...(report.lastSequence !== undefined && { last_sequence: report.lastSequence }),
    replayed: report.replayed,
    unchanged: report.unchanged,
    kept_by_list: report.keptByList,
    changed: Object.values(report.transitions).reduce((a, b) => a + b, 0),
    more_permissive: report.morePermissive,
    candidate_errors: report.candidateErrors,
    transitions: { ...report.transitions },
    changes: report.changes.map((c) => ({
      line: c.line,
      sequence: c.sequence,
      entry_id: c.entryId,
      timestamp: c.timestamp,
      tool_name: c.toolName,
      action_type: c.actionType,
      channel: c.channel,
      more_permissive: c.morePermissive,
      recorded: sideJson(c.recorded),
      candidate: sideJson(c.candidate),
    })),
  }
}

export function reportText(report: ReplayReport, packsDir: string): string {
  const lines: string[] = []
  const changed = Object.values(report.transitions).reduce((a, b) => a + b, 0)
  lines.push(
    `replayed ${report.replayed} of ${report.entries} entries (seq ${report.firstSequence}..${report.lastSequence}) from ${report.file} with the packs in ${packsDir}`,
  )
  lines.push(`  unchanged: ${report.unchanged}`)
  if (report.keptByList > 0) lines.push(`  kept (decided by the allow/deny list, not by packs): ${report.keptByList}`)
  const order = (key: string): number => {
    const [from, to] = key.split('→') as [Permission, Permission | 'error']
    return isMorePermissive(from, to) ? 0 : 1
  }
  for (const [key, count] of Object.entries(report.transitions).sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))) {
    const [from, to] = key.split('→') as [Permission, Permission | 'error']
    lines.push(`  ${from} → ${to}: ${count}${isMorePermissive(from, to) ? '  (more permissive)' : ''}`)
  }
  if (report.changes.length > 0) {
    lines.push('', changed > report.changes.length ? `first ${report.changes.length} of ${changed} changed calls:` : 'changed calls:')
    for (const c of report.changes) {
      lines.push(
        `  line ${c.line}, seq ${c.sequence}, ${c.timestamp}  ${c.toolName} (${c.actionType} via ${c.channel})  ${c.recorded.permission} → ${c.candidate.permission}${c.morePermissive ? '  MORE PERMISSIVE' : ''}`,
        `    recorded:  ${c.recorded.permission.padEnd(5)}  ${explainSide(c.recorded)}`,
        `    candidate: ${c.candidate.permission.padEnd(5)}  ${explainSide(c.candidate)}`,
      )
    }
  }
  lines.push(
    '',
    report.morePermissive > 0
      ? `RESULT: ${report.morePermissive} call${report.morePermissive === 1 ? '' : 's'} would become more permissive (exit ${REPLAY_EXIT.morePermissive})`
      : `RESULT: ${changed === 0 ? 'no call changes' : `${changed} call${changed === 1 ? '' : 's'} change, none becomes more permissive`}`,
  )
  return `${lines.join('\n')}\n`
}

export async function runReplay(options: ReplayOptions, deps: ReplayDeps): Promise<number> {
  const { io } = deps
  const limit = options.limit ?? 20
  if (!Number.isInteger(limit) || limit < 0) {
    io.stderr('error: --limit must be a non-negative integer')
    return REPLAY_EXIT.usage
  }
  if (deps.engine === undefined && options.packsDir === undefined) {
    io.stderr('error: --packs-dir <candidate> is required (the policy to replay the export with)')
    return REPLAY_EXIT.usage
  }
  if (!existsSync(options.file)) {
    io.stderr(`error: ${options.file}: no such file`)
    return REPLAY_EXIT.usage
  }
  const trusted = resolveTrustedKeys(options, deps)
  if ('error' in trusted) {
    io.stderr(`error: ${trusted.error}`)
    return REPLAY_EXIT.usage
  }
  let engine = deps.engine
  if (engine === undefined) {
    try {
      const built = buildEngine(options, { ...(deps.cwd !== undefined && { cwd: deps.cwd }) })
      for (const w of built.warnings) io.stderr(w)
      engine = built.engine
    } catch (err) {
      io.stderr(`error: candidate packs: ${(err as Error).message}`)
      return REPLAY_EXIT.usage
    }
  }
  let report: ReplayReport
  try {
    report = await replayExport(options.file, trusted.keys, engine, {
      limit,
      ...(options.orgDomain !== undefined && { orgDomain: options.orgDomain }),
    })
  } catch (err) {
    if (!(err instanceof ReplayInputError)) throw err
    io.stderr(`error: ${err.message}; nothing was replayed`)
    return REPLAY_EXIT.badExport
  }
  io.stdout(options.json === true ? `${JSON.stringify(reportJson(report))}\n` : reportText(report, options.packsDir ?? '(injected)'))
  return report.morePermissive > 0 ? REPLAY_EXIT.morePermissive : REPLAY_EXIT.ok
}

export function replayCommand(ctx: CliContext): Command {
  const cmd = new Command('replay')
    .description('Re-decide the calls of a JSONL audit export with a candidate policy and print what changes')
    .argument('<export>', 'JSONL audit export (permit0 audit export, or GET /api/v1/audit/export)')
    .option('--public-key <hex>', 'trusted ed25519 public key of the export (repeatable)', (value: string, previous: string[] = []) => [
      ...previous,
      value,
    ])
    .option('--data-dir <dir>', 'also trust the key in <dir>/audit-signing.key')
    .option('--audit-key <path>', 'also trust the public key of this signing key file')
    .option('--limit <n>', 'changed calls listed with both sides (default 20)', (value: string) => Number(value))
    .addOption(new Option('--json', 'print the report as JSON'))
  withEngineOptions(cmd)
    .addHelpText(
      'after',
      '\nThe export is verified first (hashes, chain, signatures: like `permit0 audit verify`).\n' +
        '\nExamples:\n  permit0 audit export --output audit.jsonl\n' +
        '  permit0 replay --packs-dir ./packs-next --org-domain acme.com audit.jsonl\n' +
        '  permit0 replay --packs-dir ./packs-next --public-key 3b6a…e1 --json audit.jsonl | jq .transitions\n' +
        '\nExit codes: 0 nothing becomes more permissive, 3 something does (deny → human/allow, human → allow),\n' +
        '1 the export is truncated, tampered or not a JSONL audit export (the line is named), 2 usage/config error.\n',
    )
    .action(async (file: string, options: Omit<ReplayOptions, 'file'>) => {
      process.exitCode = await runReplay({ ...options, file }, { io: processIo, env: ctx.env })
    })
  return cmd
}
