import { describe, expect, it } from 'vitest'
import { guardLocation, isGuardApi, isHistoryFile, isScriptedManifest } from './guard-locations.ts'
import { classifyPath } from './path.ts'

describe('guard locations', () => {
  it.each([
    ['/home/dev/.permit0/data/reviewer-token', 'secret'],
    ['/home/dev/.permit0/data/link-secret', 'secret'],
    ['/home/dev/.permit0/data/audit-key', 'secret'],
    ['/home/dev/.permit0/packs/claude-code/pack.yaml', 'config'],
    ['/home/dev/.claude/settings.json', 'config'],
    ['/work/app/.claude/settings.local.json', 'config'],
    ['/work/app/.claude/hooks/pre.sh', 'config'],
    ['/etc/claude-code/managed-settings.json', 'config'],
    ['/work/app/node_modules/@permit0/cli/dist/bin.js', 'config'],
    ['/work/app/src/index.ts', 'none'],
    ['/work/app/.claude/notes.md', 'none'],
    // XDG / macOS data and config dirs, and a data dir moved anywhere with PERMIT0_DATA_DIR
    ['/home/dev/.local/share/permit0/reviewer-token', 'secret'],
    ['/srv/data/reviewer-token', 'secret'],
    ['/home/dev/.config/permit0/packs/x/pack.yaml', 'config'],
    ['/Users/dev/Library/Application Support/permit0/config.yaml', 'config'],
    ['/work/permit0/src/index.ts', 'none'],
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
    // signed approve/deny links and Slack interactivity, on any host (an agent must not follow them)
    expect(isGuardApi('permit0.example.com', 443, '/notify/link/01J/abc.def', false)).toBe(true)
    expect(isGuardApi('127.0.0.1', 8080, '/NOTIFY/Slack/interactions', true)).toBe(true)
    expect(isGuardApi('example.com', 443, '/notify/links-of-another-app', false)).toBe(false)
    // other spellings the server routes the same way
    expect(isGuardApi('permit0.example.com', 443, '/%6Eotify/%6Cink/01J/abc.def', false)).toBe(true)
    expect(isGuardApi('permit0.example.com', 443, '//notify//link/01J/abc.def', false)).toBe(true)
    expect(isGuardApi('permit0.example.com', 443, '/%61pi/v1/approvals/decide', false)).toBe(true)
    expect(isGuardApi('localhost', 3000, '/', true)).toBe(false)
    expect(isGuardApi('example.com', 443, '/docs', false)).toBe(false)
  })
})

describe('executed configuration: scripted manifests, package-manager hooks, history files', () => {
  it.each([
    ['/work/app/package.json', true],
    ['/work/app/packages/ui/package.json', true],
    ['/work/app/composer.json', true],
    ['/work/app/*.json', true],
    ['/work/app/pack*.json', true],
    ['/work/app/*', true],
    ['/work/app/*.ts', false],
    ['/work/app/package.json.bak', false],
    ['/work/app/package-lock.json', false],
    ['/work/app/tsconfig.json', false],
  ])('%s scripted manifest → %s', (path, expected) => {
    expect(isScriptedManifest(path)).toBe(expected)
  })

  it.each([
    ['/work/app/.pnpmfile.cjs', 'persistence'],
    ['/work/app/.yarnrc.yml', 'persistence'],
    ['/work/app/bunfig.toml', 'persistence'],
    ['/work/app/.git/hooks', 'persistence'],
    ['/work/app/.husky', 'persistence'],
    ['/work/app/.vscode', 'regular'],
    ['/work/app/package.json', 'regular'],
  ])('%s → kind %s', (path, kind) => {
    expect(classifyPath(path, '/work/app').kind).toBe(kind)
  })

  it.each([
    ['/home/dev/.bash_history', true],
    ['/home/dev/.zsh_history', true],
    ['/home/dev/.local/share/fish/fish_history', true],
    ['/home/dev/.python_history', true],
    ['/work/app/.history', false],
    ['/work/app/src/history.ts', false],
  ])('%s history file → %s', (path, expected) => {
    expect(isHistoryFile(path)).toBe(expected)
  })
})
