import { EventEmitter } from 'node:events'
import { Readable } from 'node:stream'
import type { Context } from 'hono'
import { describe, expect, it } from 'vitest'
import { lazyRequestSignal, readBodyText } from './body.ts'
import type { AppEnv } from './env.ts'

function fakeCall(): { c: Context<AppEnv>; outgoing: EventEmitter & { writableFinished: boolean }; incoming: EventEmitter & { errored: Error | null } } {
  const incoming = Object.assign(new EventEmitter(), { errored: null as Error | null })
  const outgoing = Object.assign(new EventEmitter(), { writableFinished: false })
  return { c: { env: { incoming, outgoing } } as unknown as Context<AppEnv>, incoming, outgoing }
}

describe('lazyRequestSignal', () => {
  it('aborts a signal read before the client goes away', () => {
    const { c, outgoing } = fakeCall()
    const signal = lazyRequestSignal(c).signal
    expect(signal.aborted).toBe(false)
    outgoing.emit('close')
    expect(signal.aborted).toBe(true)
    expect(signal.reason).toBe('Client connection prematurely closed.')
  })

  it('gives an already aborted signal, same reason, when first read after the client went away', () => {
    const { c, incoming, outgoing } = fakeCall()
    const lazy = lazyRequestSignal(c)
    incoming.errored = new Error('socket hang up')
    outgoing.emit('close')
    expect(lazy.signal.aborted).toBe(true)
    expect(lazy.signal.reason).toBe('Error: socket hang up')
    expect(lazy.signal).toBe(lazy.signal)
  })

  it('never aborts after the answer was written', () => {
    const { c, outgoing } = fakeCall()
    const lazy = lazyRequestSignal(c)
    outgoing.writableFinished = true
    outgoing.emit('close')
    expect(lazy.signal.aborted).toBe(false)
  })
})

describe('readBodyText (a Content-Length body read from Node)', () => {
  const call = (incoming: Readable, size: number): Context<AppEnv> => {
    const vars = new Map<string, unknown>([['leanBody', { incoming, size }]])
    return { env: {}, get: (k: string) => vars.get(k), set: (k: string, v: unknown) => vars.set(k, v) } as unknown as Context<AppEnv>
  }
  const source = () => new Readable({ read() {} })
  const outcome = (p: Promise<string>) => p.then((text) => ({ text }), (err: Error) => ({ err: err.message }))

  it('reads the body across chunks, as UTF-8', async () => {
    const incoming = source()
    const body = JSON.stringify({ q: 'ü'.repeat(10) })
    const bytes = Buffer.from(body)
    const read = outcome(readBodyText(call(incoming, bytes.length)))
    incoming.push(bytes.subarray(0, 5))
    incoming.push(bytes.subarray(5))
    incoming.push(null)
    expect(await read).toEqual({ text: body })
  })

  it('refuses a body shorter than its Content-Length', async () => {
    const incoming = source()
    const read = outcome(readBodyText(call(incoming, 10)))
    incoming.push(Buffer.from('abc'))
    incoming.push(null)
    expect(await read).toEqual({ err: 'request body shorter than its Content-Length (3 of 10 bytes)' })
  })

  it('refuses a body longer than its Content-Length', async () => {
    const incoming = source()
    const read = outcome(readBodyText(call(incoming, 2)))
    incoming.push(Buffer.from('abc'))
    expect(await read).toEqual({ err: 'request body longer than its Content-Length (2 bytes)' })
    expect(incoming.destroyed).toBe(true)
  })

  it('fails with the stream error, or premature close when the client leaves', async () => {
    const errored = source()
    const read1 = outcome(readBodyText(call(errored, 10)))
    errored.destroy(new Error('aborted'))
    expect(await read1).toEqual({ err: 'aborted' })
    const closed = source()
    const read2 = outcome(readBodyText(call(closed, 10)))
    closed.push(Buffer.from('ab'))
    closed.destroy()
    expect(await read2).toEqual({ err: 'Premature close' })
    const gone = source()
    gone.destroy()
    expect(await outcome(readBodyText(call(gone, 10)))).toEqual({ err: 'Premature close' })
  })

  it('reads the body once', async () => {
    const incoming = source()
    const c = call(incoming, 1)
    const read = readBodyText(c)
    incoming.push(Buffer.from('x'))
    incoming.push(null)
    expect(await read).toBe('x')
    expect(c.get('leanBody')).toBeUndefined()
  })
})
