import { describe, expect, it } from 'vitest'
import { initParsers } from '../parsers/index.ts'
import { bangCommand, jsonDigest } from './host-tools.ts'
import { getHelper } from './registry.ts'

describe('scheduled prompts', () => {
  it('bang_command reads the shell command of a `!command` prompt only', () => {
    expect([bangCommand('!git push --force'), bangCommand('  ! rm -rf ~ '), bangCommand('check CI'), bangCommand(3)])
      .toEqual(['git push --force', 'rm -rf ~', '', ''])
  })

  it('scheduled_shell_facts is shell_facts of that command', async () => {
    await initParsers()
    const scheduled = getHelper('scheduled_shell_facts')!.fn
    const shell = getHelper('shell_facts')!.fn
    expect(scheduled(['!git push --force origin main', '/home/dev/p'])).toEqual(shell(['git push --force origin main', '/home/dev/p']))
    expect(scheduled(['Check the build', '/home/dev/p'])).toEqual(shell(['', '/home/dev/p']))
  })
})

describe('json_digest', () => {
  it('is order-independent over keys and covers every nested value', () => {
    const a = jsonDigest({ x: 1, y: { z: [1, 2] } })
    expect(jsonDigest({ y: { z: [1, 2] }, x: 1 })).toBe(a)
    expect(jsonDigest({ x: 1, y: { z: [2, 1] } })).not.toBe(a)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
  })
})
