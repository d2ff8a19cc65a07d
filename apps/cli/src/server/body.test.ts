import { EventEmitter } from 'node:events'
import type { Context } from 'hono'
import { describe, expect, it } from 'vitest'
import { lazyRequestSignal } from './body.ts'
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
