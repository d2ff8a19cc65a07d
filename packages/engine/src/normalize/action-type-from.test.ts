import { describe, expect, it } from 'vitest'
import { loadPackSet, type PackFile } from '../packs/load-pack-set.ts'
import { normalize } from './normalize.ts'

const MANIFEST = { path: 't/p/pack.yaml', text: 'pack_format: 2\npermit0_pack: t/p\nname: p\nversion: "1"\n' }

function shellPack(allowed: string): PackFile[] {
  return [
    MANIFEST,
    {
      path: 't/p/normalizers/sh/run.yaml',
      text: `permit0_pack: t/p
id: sh:run
priority: 5
match: { tool: Sh }
normalize:
  action_type: process.run
  action_type_from: { parameter: shell.action, allowed: ${allowed} }
  domain: process
  verb: run
  source: sh
  parameters:
    command: { from: command, type: string, required: true }
    shell: { compute: shell_facts, args: [command, metadata.cwd] }
`,
    },
  ]
}

function registry(files: PackFile[]) {
  const r = loadPackSet(files)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.packSet.registry
}

describe('normalize.action_type_from', () => {
  const reg = registry(shellPack('[process.run, file.delete_recursive, file.list]'))
  const call = (command: string) =>
    normalize(reg, { toolName: 'Sh', parameters: { command }, metadata: { cwd: '/w' } })

  it.each([
    ['rm -rf build', 'file.delete_recursive', 'file', 'delete_recursive'],
    ['ls', 'file.list', 'file', 'list'],
    ['make', 'process.run', 'process', 'run'],
  ])('%j → %s', (command, actionType, domain, verb) => {
    const r = call(command)
    expect(r.ok && [r.action.actionType, r.action.domain, r.action.verb]).toEqual([actionType, domain, verb])
  })

  it('hashes the derived action type', () => {
    const a = call('rm -rf build')
    const b = call('ls')
    expect(a.ok && b.ok && a.action.normHash !== b.action.normHash).toBe(true)
  })

  it('fails closed when the derived type is not in the allowed list', () => {
    const r = call('git push')
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('ENGINE_INVALID_ACTION_TYPE')
  })

  it('rejects unknown action types in the allowed list at load', () => {
    const r = loadPackSet(shellPack('[process.run, file.obliterate]'))
    expect(r.ok).toBe(false)
    expect(!r.ok && r.issues.map((i) => i.code)).toContain('invalid_action_type')
  })

  it('counts the allowed types as produced for coverage checks', () => {
    const files = shellPack('[process.run, file.list]')
    files[0] = { ...MANIFEST, text: `${MANIFEST.text}action_types: [process.run]\n` }
    const messages = loadPackSet(files).issues.map((i) => i.message)
    expect(messages).toContain("normalizers produce 'file.list', which action_types does not list")
    expect(messages.filter((m) => m.includes('no normalizer produces'))).toEqual([])
  })
})
