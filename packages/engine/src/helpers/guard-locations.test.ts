import { describe, expect, it } from 'vitest'
import { guardLocation, isGuardApi } from './guard-locations.ts'
import { classifyPath } from './path.ts'

describe('guard locations', () => {
  it.each([
    ['/home/dev/.permit0/data/reviewer-token', 'secret'],
    ['/home/dev/.permit0/data/audit-key', 'secret'],
    ['/home/dev/.permit0/packs/claude-code/pack.yaml', 'config'],
    ['/home/dev/.claude/settings.json', 'config'],
    ['/work/app/.claude/settings.local.json', 'config'],
    ['/work/app/.claude/hooks/pre.sh', 'config'],
    ['/etc/claude-code/managed-settings.json', 'config'],
    ['/work/app/node_modules/@permit0/cli/dist/bin.js', 'config'],
    ['/work/app/src/index.ts', 'none'],
    ['/work/app/.claude/notes.md', 'none'],
  ])('%s → %s', (path, expected) => {
    expect(guardLocation(path)).toBe(expected)
  })

  it('path kinds carry the guard classes and outrank every other kind', () => {
    expect(classifyPath('~/.permit0/data/reviewer-token', '/home/dev/app').kind).toBe('guard_secret')
    expect(classifyPath('.claude/settings.json', '/home/dev/app').kind).toBe('guard')
    expect(classifyPath('../.claude/settings.json', '/home/dev/app').kind).toBe('guard')
  })

  it('recognises permit0 API URLs on any host and the default daemon port on loopback', () => {
    expect(isGuardApi('127.0.0.1', 9090, '/api/v1/approvals/decide', true)).toBe(true)
    expect(isGuardApi('example.com', 443, '/api/v1/approvals/x', false)).toBe(true)
    expect(isGuardApi('localhost', 9090, '/', true)).toBe(true)
    expect(isGuardApi('localhost', 3000, '/', true)).toBe(false)
    expect(isGuardApi('example.com', 443, '/docs', false)).toBe(false)
  })
})
