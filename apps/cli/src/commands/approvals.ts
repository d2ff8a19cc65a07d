/**
 * `permit0 approvals list|decide`: the approvals queue of the local store (`--data-dir` /
 * `--database-url`), where `permit0 mcp` without `--remote` parks calls. Deciding runs the same
 * effects as the daemon (audit entry, the human's verdict cached by norm_hash), so the agent's
 * retry of the same call gets the answer. A daemon's queue is decided on its dashboard or API.
 */
import { userInfo } from 'node:os'
import { Command } from 'commander'
import { ApprovalError, type ApprovalRecord } from '@permit0/approvals'
import { PermissionSchema, RememberScopeSchema } from '@permit0/contracts'
import type { Store } from '@permit0/store'
import { localRememberPolicy, withLocalQueue } from '../mcp/local-approvals.ts'
import { ServerError } from '../server/errors.ts'
import { toRemember } from '../server/mappers.ts'
import { describeRemember } from '../server/remember.ts'
import { openWhenUnlocked } from '../mcp/store-lease.ts'
import { addStoreOptions, openStore, type StoreFlags } from '../store-options.ts'
import type { CliContext, CliEnv } from '../env.ts'
import { ExitCode, type CommandIo, processIo } from './pack/io.ts'

export interface ApprovalsDeps {
  readonly env: CliEnv
  readonly io: CommandIo
  readonly cwd?: string
  readonly now?: () => number
}

const REPLICA = `cli-${process.pid}`

async function withApprovalsStore<T>(flags: StoreFlags, deps: ApprovalsDeps, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openWhenUnlocked(() =>
    openStore(flags, { env: deps.env, ...(deps.cwd !== undefined && { cwd: deps.cwd }), ...(deps.env.HOME !== undefined && { homeDir: deps.env.HOME }) }),
  )
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

function line(record: ApprovalRecord, nowMs: number): string {
  const risk = record.risk !== undefined ? ` ${record.risk.tier} ${record.risk.score}` : ''
  const server = record.context?.metadata
  const mcp = typeof server === 'object' && server !== null && !Array.isArray(server) && typeof server.mcp_server === 'string' ? `${server.mcp_server}/` : ''
  const left = Math.max(0, Math.round((record.expiresAtMs - nowMs) / 1000))
  return `${record.id}  ${mcp}${record.toolName}  ${record.action.actionType}${risk}  expires in ${left}s`
}

export async function runApprovalsList(flags: StoreFlags & { json?: boolean }, deps: ApprovalsDeps): Promise<number> {
  try {
    const now = (deps.now ?? Date.now)()
    // Expire what is overdue first (with its audit entry), as the daemon's sweep would.
    const pending = await withApprovalsStore(flags, deps, (store) =>
      withLocalQueue(store, { replicaId: REPLICA }, async (queue) => {
        for (const record of await store.approvals.listPending()) if (record.expiresAtMs <= now) await queue.wait(record.id, { timeoutMs: 0 })
        return queue.listPending()
      }),
    )
    if (flags.json === true) {
      deps.io.stdout(JSON.stringify(pending.map((r) => ({ approval_id: r.id, tool_name: r.toolName, action_type: r.action.actionType, norm_hash: r.action.normHash, tier: r.risk?.tier, score: r.risk?.score, context: r.context, expires_at: new Date(r.expiresAtMs).toISOString() }))))
    } else if (pending.length === 0) deps.io.stderr('no pending approvals')
    else for (const record of pending) deps.io.stdout(line(record, now))
    return ExitCode.Ok
  } catch (err) {
    deps.io.stderr(`error: ${(err as Error).message}`)
    return ExitCode.Failure
  }
}

export async function runApprovalsDecide(
  id: string,
  permission: string,
  flags: StoreFlags & { reason?: string; reviewer?: string; scope?: string },
  deps: ApprovalsDeps,
): Promise<number> {
  const parsed = PermissionSchema.safeParse(permission.toLowerCase())
  if (!parsed.success || parsed.data === 'human') {
    deps.io.stderr(`error: decision ${JSON.stringify(permission)}: expected allow or deny`)
    return ExitCode.Usage
  }
  const scope = flags.scope === undefined ? undefined : RememberScopeSchema.safeParse(flags.scope.trim().toLowerCase())
  if (scope !== undefined && !scope.success) {
    deps.io.stderr(`error: --scope ${JSON.stringify(flags.scope)}: expected once, call or session`)
    return ExitCode.Usage
  }
  const reviewer = flags.reviewer ?? `cli:${safeUser()}`
  try {
    const record = await withApprovalsStore(flags, deps, (store) =>
      withLocalQueue(store, { replicaId: REPLICA }, async (queue) => {
        const current = await queue.wait(id, { timeoutMs: 0 }) // expires it first when overdue
        if (current.status === 'resolved') {
          throw new Error(`approval ${id} is already ${current.record.status}${current.record.resolution?.permission !== undefined ? ` (${current.record.resolution.permission})` : ''}`)
        }
        const remember = localRememberPolicy(current.record).resolve(current.record, parsed.data, scope?.data, (deps.now ?? Date.now)())
        return queue.decide(id, { permission: parsed.data, reviewer, ...(flags.reason !== undefined && { reason: flags.reason }), remember })
      }),
    )
    const remembered = record.resolution?.remember
    deps.io.stderr(
      `approval ${record.id}: ${parsed.data} by ${reviewer} (${record.toolName}, ${record.action.actionType}); the agent's retry of the call gets this answer` +
        (remembered !== undefined ? `. ${describeRemember(toRemember(remembered))}` : ''),
    )
    return ExitCode.Ok
  } catch (err) {
    if (err instanceof ServerError) {
      deps.io.stderr(`error: --${err.message}`)
      return ExitCode.Usage
    }
    deps.io.stderr(`error: ${err instanceof ApprovalError ? err.message : (err as Error).message}`)
    return ExitCode.Failure
  }
}

function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}

export function approvalsCommand(ctx: CliContext): Command {
  const io = processIo
  const list = addStoreOptions(new Command('list').description('Pending approvals of the local store, oldest first').option('--json', 'print JSON'))
    .action(async (opts: StoreFlags & { json?: boolean }) => {
      process.exitCode = await runApprovalsList(opts, { env: ctx.env, io })
    })
  const decide = addStoreOptions(
    new Command('decide')
      .description('Allow or deny a pending approval of the local store')
      .argument('<id>', 'approval id (from `permit0 approvals list` or the refused call)')
      .argument('<decision>', 'allow or deny')
      .option('--reason <text>', 'why (recorded in the audit log; a denial shows it to the agent)')
      .option('--reviewer <name>', 'who decides (default cli:<user>)')
      .option('--scope <scope>', 'how long the decision is remembered: once (this call only), call (every identical call until the cache expiry; the default) or session (identical calls in the same session_id)'),
  ).action(async (id: string, decision: string, opts: StoreFlags & { reason?: string; reviewer?: string; scope?: string }) => {
    process.exitCode = await runApprovalsDecide(id, decision, opts, { env: ctx.env, io })
  })
  return new Command('approvals')
    .description('List and decide calls parked for a human in the local store (permit0 mcp without --remote)')
    .addCommand(list)
    .addCommand(decide)
    .addHelpText('after', '\nExamples:\n  permit0 approvals list\n  permit0 approvals decide 01J… allow --reason "expected change"\n  permit0 approvals decide 01J… allow --scope once\n')
}
