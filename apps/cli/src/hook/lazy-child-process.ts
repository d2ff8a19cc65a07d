/**
 * Stands in for `child_process` inside the hook bundle (tsup.config.ts): commander requires it at
 * load time for executable subcommands, which the hook never runs, and loading it (with `net`
 * under it) is start-up every hook call would pay. The real module loads on first use.
 */
import type * as ChildProcess from 'node:child_process'
import { createRequire } from 'node:module'

let real: typeof ChildProcess | undefined
const load = (): typeof ChildProcess => (real ??= createRequire(import.meta.url)('node:child_process') as typeof ChildProcess)

export const spawn = ((...args: Parameters<typeof ChildProcess.spawn>) => load().spawn(...args)) as typeof ChildProcess.spawn
