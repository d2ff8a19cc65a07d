import { describe, expect, it } from 'vitest'
import { classifyPath, classifyPaths, normalizePosix } from './path.ts'
import { getHelper } from './registry.ts'

const CWD = '/home/dev/project'

describe('classifyPath', () => {
  it.each([
    ['src/index.ts', CWD, 'workspace', 'regular'],
    ['/home/dev/project/src/a.ts', CWD, 'workspace', 'regular'],
    ['./src/../README.md', CWD, 'workspace', 'regular'],
    ['../other/x.ts', CWD, 'home', 'regular'],
    ['/home/dev/project/../../../etc/shadow', CWD, 'system', 'secret'],
    ['/home/dev/project/../../../etc/passwd', CWD, 'system', 'regular'],
    ['~dev/.ssh/id_rsa', CWD, 'home', 'secret'],
    ['~alice', CWD, 'home', 'regular'],
    ['/home/dev/.aws', CWD, 'home', 'secret'],
    ['/home/dev/.cargo/credentials.toml', CWD, 'home', 'secret'],
    ['/home/dev/.claude/.credentials.json', CWD, 'home', 'secret'],
    ['/var/run/secrets/kubernetes.io/serviceaccount/token', CWD, 'system', 'secret'],
    ['/proc/self/environ', CWD, 'system', 'secret'],
    ['/home/dev/.config/google-chrome/Default/Login Data', CWD, 'home', 'secret'],
    ['/home/dev/.ssh/config', CWD, 'home', 'persistence'],
    ['.envrc', CWD, 'workspace', 'persistence'],
    ['/tmp/scratch.json', CWD, 'temp', 'regular'],
    ['/etc/hosts', CWD, 'system', 'regular'],
    ['/usr/local/bin/node', CWD, 'system', 'regular'],
    ['/', CWD, 'system', 'regular'],
    ['/mnt/backup/db.tar', CWD, 'outside', 'regular'],
    ['~/notes.md', CWD, 'home', 'regular'],
    ['~/project/src/a.ts', '/home/dev/project', 'workspace', 'regular'],
    ['/Users/ann/app/main.go', '/Users/ann/app', 'workspace', 'regular'],
    ['C:\\Windows\\System32\\drivers\\etc\\hosts', undefined, 'system', 'regular'],
    ['src/a.ts', undefined, 'workspace', 'regular'],
    ['/srv/app/a.ts', undefined, 'system', 'regular'],
    ['/data/app/a.ts', undefined, 'unknown', 'regular'],
    ['../x', undefined, 'unknown', 'regular'],
    ['.env', CWD, 'workspace', 'secret'],
    ['config/.env.production', CWD, 'workspace', 'secret'],
    ['.env.example', CWD, 'workspace', 'regular'],
    ['/home/dev/.ssh/id_ed25519', CWD, 'home', 'secret'],
    ['/home/dev/.ssh/id_ed25519.pub', CWD, 'home', 'regular'],
    ['/home/dev/.aws/credentials', CWD, 'home', 'secret'],
    ['certs/server.key', CWD, 'workspace', 'secret'],
    ['gcp/service-account-prod.json', CWD, 'workspace', 'secret'],
    ['terraform.tfstate', CWD, 'workspace', 'secret'],
    ['/home/dev/.bashrc', CWD, 'home', 'persistence'],
    ['/home/dev/.ssh/authorized_keys', CWD, 'home', 'persistence'],
    ['/etc/cron.d/backup', CWD, 'system', 'persistence'],
    ['.git/hooks/pre-commit', CWD, 'workspace', 'persistence'],
    ['.github/workflows/ci.yml', CWD, 'workspace', 'ci_config'],
    ['.gitlab-ci.yml', CWD, 'workspace', 'ci_config'],
    ['.git/config', CWD, 'workspace', 'vcs_internal'],
    ['node_modules/lodash/index.js', CWD, 'workspace', 'dependency'],
  ])('%j (cwd %j) → %s / %s', (path, cwd, scope, kind) => {
    const f = classifyPath(path, cwd)
    expect([f.scope, f.kind]).toEqual([scope, kind])
  })

  it.each([
    ['/', true], ['~', true], ['/home/dev', true], ['/home/dev/project', false], ['.env', false],
    ['/*', true], ['~/*', true], ['/home/*', true], ['~alice', true], ['~/.*', true], ['src/*', false],
  ])('%j broad = %j', (path, broad) => {
    expect(classifyPath(path, CWD).broad).toBe(broad)
  })

  it('flags dotfiles anywhere in the path', () => {
    expect(classifyPath('.vscode/settings.json', CWD).dotfile).toBe(true)
    expect(classifyPath('src/app.ts', CWD).dotfile).toBe(false)
  })
})

describe('normalizePosix', () => {
  it.each([
    ['/a/./b/../c', '/a/c'], ['/../x', '/x'], ['a/../../b', '../b'], ['', '.'], ['//a//b/', '/a/b'],
  ])('%j → %j', (input, out) => {
    expect(normalizePosix(input)).toBe(out)
  })
})

describe('path helpers', () => {
  it('takes the worst scope and kind over several paths', () => {
    expect(classifyPaths(['src/a.ts', '/etc/passwd', '.env'], CWD)).toMatchObject({ count: 3, scope: 'system', kind: 'secret' })
  })

  it('path_facts reads strings, lists and {path} objects; no path means the working directory', () => {
    const fn = getHelper('path_facts')?.fn
    expect(fn?.([[{ path: 'a.ts' }, { path: '/etc/x' }], CWD])).toMatchObject({ count: 2, scope: 'system' })
    expect(fn?.([null, CWD])).toMatchObject({ count: 0, scope: 'workspace' })
    expect(getHelper('path_scope')?.fn(['/tmp/x', CWD])).toBe('temp')
  })
})
