import { createHash, createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from 'node:crypto'
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs'
import { dirname } from 'node:path'
import canonicalize from 'canonicalize'
import { StoreError, StoreErrorCode } from './errors.ts'

/**
 * ed25519 (RFC 8032, pure) through Node's native implementation (OpenSSL): about 13× faster than
 * a JS implementation on our machines, which matters because every decision is signed.
 * Raw 32-byte keys are wrapped in their fixed DER prefixes.
 */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

const publicKeyObjects = new Map<string, KeyObject>()
function publicKeyObject(publicKeyHex: string): KeyObject {
  let key = publicKeyObjects.get(publicKeyHex)
  if (key === undefined) {
    key = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(publicKeyHex, 'hex')]),
      format: 'der',
      type: 'spki',
    })
    if (publicKeyObjects.size > 1_000) publicKeyObjects.clear()
    publicKeyObjects.set(publicKeyHex, key)
  }
  return key
}

/** `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

const HEX_64 = /^[0-9a-f]{64}$/
const HEX_128 = /^[0-9a-f]{128}$/

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** RFC 8785 (JCS) canonical JSON text. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value)
  if (text === undefined) throw new StoreError(StoreErrorCode.InvalidInput, 'value has no canonical JSON form')
  return text
}

export interface AuditSigner {
  readonly publicKey: string
  readonly keyId: string
  /** ed25519 over the ASCII bytes of `entryHash`, 128 hex. */
  sign(entryHash: string): string
}

/** The key id of a public key: first 16 hex of SHA-256 over the 32 raw key bytes. */
export function auditKeyId(publicKeyHex: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyHex, 'hex')).digest('hex').slice(0, 16)
}

export function createAuditSigner(seed: Uint8Array): AuditSigner {
  if (seed.length !== 32) {
    throw new StoreError(StoreErrorCode.InvalidAuditKey, `audit signing key must be 32 bytes, got ${seed.length}`)
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  const publicKey = spki.subarray(spki.length - 32).toString('hex')
  return {
    publicKey,
    keyId: auditKeyId(publicKey),
    sign: (entryHash) => sign(null, Buffer.from(entryHash, 'ascii'), privateKey).toString('hex'),
  }
}

/** Checks an ed25519 signature (128 hex) over the ASCII of `entryHash` with a 64-hex public key. */
export function verifyAuditSignature(entryHash: string, signature: string, publicKey: string): boolean {
  if (!HEX_128.test(signature) || !HEX_64.test(publicKey)) return false
  try {
    return verify(null, Buffer.from(entryHash, 'ascii'), publicKeyObject(publicKey), Buffer.from(signature, 'hex'))
  } catch {
    return false
  }
}

/** Normalizes and checks a public key given by a user (64 hex). */
export function parsePublicKey(text: string): string | undefined {
  const hex = text.trim().toLowerCase()
  return HEX_64.test(hex) ? hex : undefined
}

export function generateAuditKey(): Uint8Array {
  return new Uint8Array(randomBytes(32))
}

/** Reads a key file: one line of 64 hex chars (the ed25519 seed). */
export function readAuditKey(path: string): Uint8Array {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new StoreError(StoreErrorCode.InvalidAuditKey, `cannot read audit key ${path}: ${(err as Error).message}`, { path }, { cause: err })
  }
  const hex = text.trim().toLowerCase()
  if (!HEX_64.test(hex)) {
    throw new StoreError(StoreErrorCode.InvalidAuditKey, `audit key ${path} must hold 64 hex characters (a 32-byte ed25519 seed)`, { path })
  }
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

/**
 * Loads the signing key at `path`, creating it (mode 0600, exclusive create) on first start.
 * Returns whether it was created so the caller can print the public key.
 */
export function loadOrCreateAuditKey(path: string): { seed: Uint8Array; created: boolean } {
  try {
    return { seed: readAuditKey(path), created: false }
  } catch (err) {
    const missing = (err as StoreError).cause && ((err as StoreError).cause as NodeJS.ErrnoException).code === 'ENOENT'
    if (!missing) throw err
  }
  const seed = generateAuditKey()
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    const fd = openSync(path, 'wx', 0o600)
    try {
      writeSync(fd, `${Buffer.from(seed).toString('hex')}\n`)
    } finally {
      closeSync(fd)
    }
    chmodSync(path, 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { seed: readAuditKey(path), created: false }
    throw new StoreError(StoreErrorCode.InvalidAuditKey, `cannot create audit key ${path}: ${(err as Error).message}`, { path }, { cause: err })
  }
  return { seed, created: true }
}
