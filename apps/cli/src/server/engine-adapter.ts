import { parseClientKind, stripClientPrefix, type Engine } from '@permit0/engine'
import type { CheckEngine } from './decision-service.ts'

/**
 * Adapts `@permit0/engine`'s `Engine` to what the server calls: strips the host's tool-name
 * prefix (`client_kind`; unknown spellings → no stripping, as upstream) and builds the
 * normalized action of `/check_action` (surface tool `__action:<type>`).
 */
export function adaptEngine(engine: Pick<Engine, 'check' | 'checkAction' | 'toNormAction'>): CheckEngine {
  return {
    check(call, ctx) {
      const kind = ctx.clientKind === undefined ? undefined : parseClientKind(ctx.clientKind)
      const toolName = kind === undefined ? call.toolName : stripClientPrefix(call.toolName, kind)
      const taskGoal = call.metadata.task_goal
      return engine.check(toolName === call.toolName ? call : { ...call, toolName }, {
        store: ctx.store,
        nowMs: ctx.nowMs,
        ...(ctx.orgDomain !== undefined && { orgDomain: ctx.orgDomain }),
        ...(typeof taskGoal === 'string' && taskGoal !== '' && { taskGoal }),
      })
    },
    checkAction(input, ctx) {
      const action = engine.toNormAction(input) // the engine's SHA-256 (native in the CLI)
      return engine.checkAction(action, { store: ctx.store, nowMs: ctx.nowMs })
    },
  }
}
