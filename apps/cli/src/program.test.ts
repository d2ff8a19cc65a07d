import type { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readCliEnv } from './env.ts'
import { createProgram, main } from './program.ts'

/** Every command in the tree, by path (`pack validate`). */
function commandPaths(command: Command, prefix: string[] = []): string[] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()]
    return [path.join(' '), ...commandPaths(sub, path)]
  })
}

/** Usage-error exit code per command: 2, except `check`, whose 2 means deny (usage → 3, error). */
const USAGE_CODE: Readonly<Record<string, number>> = {
  approvals: 2,
  'approvals decide': 2,
  'approvals list': 2,
  audit: 2,
  'audit export': 2,
  'audit inspect': 2,
  'audit verify': 2,
  calibrate: 2,
  'calibrate diff': 2,
  'calibrate test': 2,
  'calibrate validate': 2,
  check: 3,
  db: 2,
  'db migrate': 2,
  'db status': 2,
  gateway: 2,
  hook: 2,
  'hook install': 2,
  mcp: 2,
  'mcp install': 2,
  login: 2,
  normalize: 2,
  pack: 2,
  replay: 2,
  'pack lock': 2,
  'pack new': 2,
  'pack test': 2,
  'pack trust': 2,
  'pack untrust': 2,
  'pack validate': 2,
  serve: 2,
  token: 2,
  'token create': 2,
  'token list': 2,
  'token revoke': 2,
}

/** Invocations missing a required argument or option (none of them reaches an action). */
const MISSING: readonly (readonly [string, string])[] = [
  ['pack validate', "missing required argument 'path'"],
  ['pack test', "missing required argument 'path'"],
  ['pack new', "missing required argument 'owner/name'"],
  ['pack lock', "missing required argument 'path'"],
  ['pack trust', "missing required argument 'dir'"],
  ['audit verify', "missing required argument 'file'"],
  ['audit inspect', "missing required argument 'file'"],
  ['replay', "missing required argument 'export'"],
  ['token revoke', "missing required argument 'name'"],
  ['approvals decide', "missing required argument 'id'"],
  ['normalize', "required option '--input <json>' not specified"],
  ['calibrate validate', "required option '--profile <name|file>' not specified"],
  ['calibrate diff', "required option '--profile <name|file>' not specified"],
  ['token create --name ops', '--role "": expected one of agent, viewer, approver, admin'],
  // A group without a subcommand prints its help as an error.
  ['pack', 'Usage: permit0 pack'],
  ['token', 'Usage: permit0 token'],
]

let out: string
let err: string

beforeEach(() => {
  out = ''
  err = ''
  process.exitCode = undefined
  // Actions (token create) write through process streams; commander through the output sinks.
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true))
})
afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = undefined
})

async function cli(argv: string): Promise<number> {
  const code = await main(argv.split(' '), { env: readCliEnv({}), output: { writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) } })
  process.exitCode = undefined
  return code
}

describe('usage errors exit with the command’s usage code', () => {
  it('the table names every command in the program', async () => {
    expect(commandPaths(await createProgram({ env: readCliEnv({}) })).sort()).toEqual(Object.keys(USAGE_CODE).sort())
  })

  it.each(Object.entries(USAGE_CODE))('%s --no-such-option → %i', async (path, code) => {
    expect(await cli(`${path} --no-such-option`)).toBe(code)
    // Commander reports a missing mandatory option before an unknown one.
    expect(err).toMatch(/error: (unknown option '--no-such-option'|required option .* not specified)/)
  })

  it.each(MISSING)('%s → usage code (%s)', async (argv, message) => {
    const path = argv.split(' ').filter((w) => !w.startsWith('-') && w !== 'ops').join(' ')
    expect(await cli(argv)).toBe(USAGE_CODE[path])
    expect(err).toContain(message)
  })

  it('an unknown command is 2; help and version are 0', async () => {
    expect(await cli('no-such-command')).toBe(2)
    expect(err).toContain("unknown command 'no-such-command'")
    expect(await cli('--version')).toBe(0)
    expect(out).toMatch(/^\d+\.\d+\.\d+\n$/)
    for (const path of ['--help', 'pack validate --help', 'check --help', 'hook install --help']) {
      out = ''
      expect(await cli(path)).toBe(0)
      expect(out).toContain('Usage: permit0')
    }
  })

  it('an option argument rejected by its parser is a usage error', async () => {
    expect(await cli('hook --timeout soon')).toBe(2)
    expect(err).toContain("option '--timeout <secs>' argument 'soon' is invalid")
  })
})
