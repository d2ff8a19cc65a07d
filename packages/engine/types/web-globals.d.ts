/**
 * The engine compiles without Node or DOM types (tsconfig.json `types: []`), so that `process`,
 * `Buffer`, timers and `node:*` modules do not even type-check in shipped code. These are the
 * only two web-standard globals it uses, both pure (no IO, no clock) and present in every JS
 * runtime (Node, browsers, workers): declared here with just the members the engine reads.
 * Tests type-check separately with Node types (tsconfig.test.json), which do not include this file.
 */
declare global {
  interface TextEncoder {
    encode(input?: string): Uint8Array
  }
  var TextEncoder: { new (): TextEncoder; prototype: TextEncoder }

  interface URL {
    readonly hash: string
    readonly hostname: string
    readonly password: string
    readonly pathname: string
    readonly port: string
    readonly protocol: string
    readonly search: string
    readonly username: string
  }
  var URL: { new (url: string, base?: string): URL; prototype: URL }
}

export {}
