/**
 * Runs the built `permit0 hook` (`dist/hook.cjs`, the hook command alone) under V8's code cache.
 * A hook process lives for one tool call, and compiling the JavaScript it runs was the largest
 * part of its start-up; Node 20 caches no compiled code for ES modules, so the hook is one
 * CommonJS bundle compiled through `vm.Script` with the code V8 produced in an earlier run.
 *
 * The cache is `<data dir>/cache/hook-code.cache` (data dir: `PERMIT0_DATA_DIR`, else
 * `~/.permit0`): a header naming the bundle it was made from (CLI and Node versions, the bundle's
 * size, mtime and inode: V8 itself only checks the source length) and an HMAC-SHA256 of the code
 * under the cache key (`cache-key.ts`), then V8's data. A cache that is missing, unreadable, made
 * from another bundle, not signed by this key, or rejected by V8 is ignored, and the code V8
 * compiles this time is written in its place (atomically) after the hook has answered.
 */
import type * as Crypto from 'node:crypto'
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'
import { ensureCacheKey, readCacheKey } from './cache-key.ts'
import { CLI_VERSION } from './version.ts'

// `node:crypto` through `require`: an ES import of it evaluates every lazy export (WebCrypto
// included), ~10 ms of a hook's start-up.
const { createHmac, timingSafeEqual } = createRequire(import.meta.url)('node:crypto') as typeof Crypto

export const HOOK_CODE_CACHE_FILE = 'hook-code.cache'
const FORMAT = 'permit0-hook-code-cache/1'

/** `<data dir>/cache`, as the hook's own default (`--data-dir` only moves the session files). */
export function hookCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const dataDir = env.PERMIT0_DATA_DIR || join(env.HOME || homedir(), '.permit0')
  return join(dataDir, 'cache')
}

const mac = (key: Buffer, data: Uint8Array): Buffer => createHmac('sha256', key).update(data).digest()

/** V8's data from a cache file made from the bundle `id` under `key`, or undefined. */
export function readCodeCache(path: string, id: string, key: Buffer | undefined): Buffer | undefined {
  if (key === undefined) return undefined
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch {
    return undefined
  }
  const nl = file.indexOf(10)
  if (nl < 0) return undefined
  const [format, signature, ...rest] = file.subarray(0, nl).toString('utf8').split(' ')
  if (format !== FORMAT || signature === undefined || rest.join(' ') !== id) return undefined
  const data = file.subarray(nl + 1)
  const given = Buffer.from(signature, 'hex')
  const expected = mac(key, data)
  return given.length === expected.length && timingSafeEqual(given, expected) ? data : undefined
}

/** Writes V8's `data` for bundle `id`, signed; never throws (the cache is only a speed-up). */
export function writeCodeCache(dir: string, id: string, data: Buffer): void {
  try {
    const key = ensureCacheKey(dir)
    const path = join(dir, HOOK_CODE_CACHE_FILE)
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${FORMAT} ${mac(key, data).toString('hex')} ${id}\n`), data]), { mode: 0o600 })
    renameSync(tmp, path)
  } catch {
    /* no cache this time */
  }
}

/**
 * Runs `permit0 <argv>` (argv starting with `hook`) and returns its exit code: through the hook
 * bundle beside this module when it exists (the build), else through the whole program.
 */
export async function runHookProcess(argv: readonly string[]): Promise<number> {
  const bundle = fileURLToPath(new URL('./hook.cjs', import.meta.url))
  if (!existsSync(bundle)) {
    const { main } = await import('./program.ts')
    return main(argv)
  }
  const source = readFileSync(bundle, 'utf8')
  const st = statSync(bundle)
  const id = `${CLI_VERSION} ${process.version} ${st.size} ${st.mtimeMs} ${st.ino}`
  const dir = hookCacheDir(process.env)
  let key: Buffer | undefined
  try {
    key = readCacheKey(dir)
  } catch {
    key = undefined
  }
  const cachedData = readCodeCache(join(dir, HOOK_CODE_CACHE_FILE), id, key)
  const script = new Script(Module.wrap(source), { filename: bundle, ...(cachedData ? { cachedData } : {}) })
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void
  const mod: { exports: { hookMain?: (argv: readonly string[]) => Promise<number> } } = { exports: {} }
  wrapper.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle))
  if (typeof mod.exports.hookMain !== 'function') throw new Error(`${bundle} does not export hookMain`)
  const code = await mod.exports.hookMain(argv)
  // After the answer: V8's code now covers every function this run compiled.
  if (cachedData === undefined || script.cachedDataRejected === true) writeCodeCache(dir, id, script.createCachedData())
  return code
}
