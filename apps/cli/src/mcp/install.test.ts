import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runMcpInstall } from './install-command.ts'
import { isWrapped, wrapServers } from './install.ts'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err }
}

const FS_ENTRY = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/u/project'], env: { DEBUG: '1' } }

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'permit0-mcp-install-'))
  const project = join(home, 'project')
  mkdirSync(project)
  const files = {
    desktop: join(home, '.config', 'Claude', 'claude_desktop_config.json'),
    cursor: join(home, '.cursor', 'mcp.json'),
    claudeUser: join(home, '.claude.json'),
    claudeProject: join(project, '.mcp.json'),
  }
  const write = (path: string, value: unknown, mode = 0o600) => {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, JSON.stringify(value, null, 2), { mode })
  }
  write(files.desktop, { mcpServers: { filesystem: FS_ENTRY, docs: { url: 'https://mcp.example.com/mcp' } }, theme: 'dark' })
  write(files.cursor, { mcpServers: { github: { command: 'github-mcp-server', args: ['stdio'], env: { GITHUB_TOKEN: 't' } } } })
  write(files.claudeUser, { numStartups: 3, mcpServers: { slack: { type: 'stdio', command: 'slack-mcp' } } })
  write(files.claudeProject, { mcpServers: { pg: { command: 'postgres-mcp', args: ['postgres://db'] } } })
  return { home, project, files, deps: (io: ReturnType<typeof capture>['io']) => ({ env: { HOME: home }, io, cwd: project, platform: 'linux' as const }) }
}

describe('permit0 mcp install', () => {
  it('shows the wrapped entries without writing (dry run), for every client found', () => {
    const { files, deps } = setup()
    const before = readFileSync(files.desktop, 'utf8')
    const c = capture()
    expect(runMcpInstall({}, deps(c.io))).toBe(0)
    expect(readFileSync(files.desktop, 'utf8')).toBe(before)
    const shown = c.out.map((o) => JSON.parse(o) as { mcpServers: Record<string, { command: string; args: string[] }> })
    expect(shown).toHaveLength(4)
    const all = Object.assign({}, ...shown.map((s) => s.mcpServers)) as Record<string, { command: string; args: string[] }>
    expect(all.filesystem).toEqual({ ...FS_ENTRY, command: 'permit0', args: ['mcp', '--name', 'filesystem', '--', 'npx', ...FS_ENTRY.args] })
    expect(all.github?.args).toEqual(['mcp', '--name', 'github', '--', 'github-mcp-server', 'stdio'])
    expect(all.slack?.args).toEqual(['mcp', '--name', 'slack', '--', 'slack-mcp'])
    expect(all.pg?.args).toEqual(['mcp', '--name', 'pg', '--', 'postgres-mcp', 'postgres://db'])
    expect(c.err.join('\n')).toContain('docs: skipped (remote entry (https://mcp.example.com/mcp); wrap it by hand with --upstream)')
  })

  it('--write merges, keeps env, other keys and permissions; a second run changes nothing (never double-wraps)', () => {
    const { files, deps } = setup()
    expect(runMcpInstall({ client: 'claude-desktop', write: true }, deps(capture().io))).toBe(0)
    const written = JSON.parse(readFileSync(files.desktop, 'utf8')) as Record<string, unknown> & { mcpServers: Record<string, unknown> }
    expect(written.theme).toBe('dark')
    expect(written.mcpServers.docs).toEqual({ url: 'https://mcp.example.com/mcp' })
    expect(written.mcpServers.filesystem).toEqual({ ...FS_ENTRY, command: 'permit0', args: ['mcp', '--name', 'filesystem', '--', 'npx', ...FS_ENTRY.args] })
    expect(statSync(files.desktop).mode & 0o777).toBe(0o600)
    const once = readFileSync(files.desktop, 'utf8')

    const again = capture()
    expect(runMcpInstall({ client: 'claude-desktop', write: true }, deps(again.io))).toBe(0)
    expect(readFileSync(files.desktop, 'utf8')).toBe(once)
    expect(again.err.join('\n')).toContain('filesystem: already-wrapped')
    // Other clients' files were not touched.
    expect(JSON.parse(readFileSync(files.cursor, 'utf8'))).toEqual({ mcpServers: { github: { command: 'github-mcp-server', args: ['stdio'], env: { GITHUB_TOKEN: 't' } } } })
  })

  it('--config, --server and --permit0 select the file, the entries and how permit0 is started', () => {
    const { files, deps } = setup()
    const c = capture()
    expect(runMcpInstall({ config: files.claudeProject, server: ['pg', 'nope'], permit0: 'node /opt/permit0/bin/permit0.js', write: true }, deps(c.io))).toBe(0)
    const written = JSON.parse(readFileSync(files.claudeProject, 'utf8')) as { mcpServers: { pg: unknown } }
    expect(written.mcpServers.pg).toEqual({ command: 'node', args: ['/opt/permit0/bin/permit0.js', 'mcp', '--name', 'pg', '--', 'postgres-mcp', 'postgres://db'] })
    expect(c.err.join('\n')).toContain('nope: skipped (no such server in this file)')
    // Wrapped through node: still recognised, so not wrapped twice.
    expect(runMcpInstall({ config: files.claudeProject, write: true }, deps(capture().io))).toBe(0)
    expect(JSON.parse(readFileSync(files.claudeProject, 'utf8'))).toEqual(written)
  })

  it('refuses bad input with a clear error and leaves files unchanged', () => {
    const { home, deps } = setup()
    const broken = join(home, 'broken.json')
    writeFileSync(broken, '{"mcpServers": {')
    const c = capture()
    expect(runMcpInstall({ config: broken, write: true }, deps(c.io))).toBe(1)
    expect(c.err.join('\n')).toMatch(/broken\.json: not valid JSON .*left unchanged/)
    expect(readFileSync(broken, 'utf8')).toBe('{"mcpServers": {')
    const missing = capture()
    expect(runMcpInstall({ config: join(home, 'missing.json') }, deps(missing.io))).toBe(1)
    expect(missing.err.join('\n')).toContain('missing.json: no such file')
    const badClient = capture()
    expect(runMcpInstall({ client: 'vscode' }, deps(badClient.io))).toBe(2)
    expect(() => wrapServers({ mcpServers: [] }, { permit0: ['permit0'] })).toThrow(/mcpServers is not an object/)
  })

  it('recognises wrapped entries however permit0 is launched', () => {
    expect(isWrapped('permit0', ['mcp', '--name', 'x', '--', 'srv'])).toBe(true)
    expect(isWrapped('/usr/local/bin/permit0', ['mcp'])).toBe(true)
    expect(isWrapped('node', ['/opt/p/bin/permit0.js', 'mcp', '--name', 'x'])).toBe(true)
    expect(isWrapped('npx', ['-y', '@permit0/cli', 'mcp', '--name', 'x'])).toBe(true)
    expect(isWrapped('npx', ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'])).toBe(false)
    expect(isWrapped('permit0', ['serve'])).toBe(false)
  })
})
