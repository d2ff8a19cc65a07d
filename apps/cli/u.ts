import { initParsers, createMemoryPolicyStore } from '@permit0/engine'
import { buildEngine } from './src/engine-factory.ts'
await initParsers()
const b = buildEngine({ packsDir: 'packs', orgDomain: 'calibration.test' } as never, { cwd: '/work/wt/tools' })
const store = createMemoryPolicyStore({ fingerprint: b.fingerprint })
for (const [tool, params] of JSON.parse(process.argv[2]) as [string, unknown][]) {
  const v = await b.engine.check({ toolName: tool, parameters: params as never, metadata: { cwd: '/home/dev/project' } }, { store, nowMs: 1 })
  console.log(tool, v.permission, v.risk?.tier, v.action.actionType, JSON.stringify(v.action.parameters).slice(0, 600), v.risk?.blocked ? v.risk.blockReason : '')
}
