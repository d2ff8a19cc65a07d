import { describe, expect, it } from 'vitest'
import { classifySearch } from './file-tools.ts'
import { getHelper } from './registry.ts'

const CWD = '/home/dev/project'

describe('classifySearch: a search or listing reads what it reaches', () => {
  it.each([
    ['~/.aws', [], 'secret'],
    ['~/.aws/', [], 'secret'],
    ['$HOME//.ssh//', [], 'secret'],
    ['/home/dev/project/../.aws', [], 'secret'],
    ['/home/dev/.ssh', ['*'], 'secret'],
    [undefined, ['~/.ssh/*'], 'secret'],
    ['/home/dev', ['.aws/*'], 'secret'],
    ['/home/dev', ['**/id_rsa*'], 'secret'],
    [undefined, ['**/.env'], 'secret'],
    [undefined, ['**/.env*'], 'secret'],
    ['src', ['*.pem'], 'secret'],
    [undefined, ['{.npmrc,README.md}'], 'secret'],
    ['~/.permit0', [], 'guard_secret'],
    ['/etc/permit0', [], 'guard_secret'],
    [undefined, ['**/*.ts'], 'regular'],
    ['src', ['*.test.ts'], 'regular'],
    ['/home/dev/project/node_modules', ['**/*.js'], 'dependency'],
  ])('dir %j patterns %j → kind %s', (dir, patterns, kind) => {
    expect(classifySearch(dir, patterns, CWD).kind).toBe(kind)
  })

  it('judges scope and breadth like path_facts', () => {
    expect(classifySearch(undefined, [], CWD)).toMatchObject({ scope: 'workspace', broad: false })
    expect(classifySearch('/', [], CWD)).toMatchObject({ scope: 'system', broad: true })
    expect(classifySearch('~', [], CWD)).toMatchObject({ scope: 'home', broad: true })
    expect(classifySearch('../other', ['*.md'], CWD)).toMatchObject({ scope: 'home', broad: false })
  })

  it('is exposed as search_facts(dir, cwd, pattern, …) and paths_facts(cwd, path, …)', () => {
    expect(getHelper('search_facts')!.fn(['~/.ssh', CWD])).toMatchObject({ kind: 'secret', scope: 'home' })
    expect(getHelper('search_facts')!.fn([null, CWD, ['a/*.ts', '~/.kube/*']])).toMatchObject({ kind: 'secret' })
    expect(getHelper('paths_facts')!.fn([CWD, 'src/a.ts', '/home/dev/.bashrc'])).toMatchObject({ kind: 'persistence', scope: 'home' })
    expect(getHelper('paths_facts')!.fn([CWD, null, null])).toMatchObject({ count: 0, scope: 'unknown' })
  })
})
