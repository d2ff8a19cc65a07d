import { PGlite } from '@electric-sql/pglite'
import { pgliteOptions } from './src/pglite-options.ts'
const mu = (l: string) => { const m = process.memoryUsage(); console.log(l, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1048576)]))) }
mu('start')
const pg = new PGlite(process.argv[2]!, { ...pgliteOptions(false), ...(process.argv[3] ? { initialMemory: Number(process.argv[3]) * 1048576 } : {}) })
await pg.waitReady
const heap = (pg as unknown as { mod: { HEAPU8: Uint8Array } }).mod.HEAPU8
mu('ready'); console.log('wasm heap MB', heap.length / 1048576)
for (let i = 0; i < 200; i++) await pg.query('select count(*) from audit_entries')
globalThis.gc?.(); await new Promise((r) => setTimeout(r, 500)); globalThis.gc?.()
mu('idle')
// count touched pages of wasm heap (non-zero 4k pages)
let nz = 0; for (let p = 0; p < heap.length; p += 4096) { for (let j = p; j < p + 4096; j += 64) if (heap[j] !== 0) { nz++; break } }
console.log('non-zero 4k pages MB', (nz * 4096) / 1048576)
const s = (await import('node:fs')).readFileSync('/proc/self/smaps_rollup', 'utf8'); console.log(s.split('\n').filter((l) => /Rss|Anonymous|Private|Shared/.test(l)).join('\n'))
await pg.close()
