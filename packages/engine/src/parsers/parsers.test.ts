import { describe, expect, it, vi } from 'vitest'

describe('WASM parsers not loaded', () => {
  it('createEngine refuses to build an engine, and shell analysis fails closed', async () => {
    vi.resetModules()
    const { createEngine } = await import('../engine.ts')
    const { EngineErrorCode } = await import('../errors.ts')
    expect(() => createEngine({ packs: [] })).toThrow(expect.objectContaining({ code: EngineErrorCode.ParsersNotReady }))
    const { analyzeShell } = await import('../helpers/shell.ts')
    const f = analyzeShell('git status', '/home/dev/project')
    expect(f).toMatchObject({ parseError: true, ask: true })
    expect(f.askReasons.join(' ')).toMatch(/parser is not loaded/)
    const { initParsers, parsersReady } = await import('./index.ts')
    await initParsers()
    expect(parsersReady()).toBe(true)
    expect(analyzeShell('git status', '/home/dev/project').parseError).toBe(false)
  })
})
