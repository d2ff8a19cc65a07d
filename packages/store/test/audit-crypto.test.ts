import { describe, expect, it } from 'vitest'
import { auditKeyId, createAuditSigner, parsePublicKey } from '../src/index.ts'
import { verifyAuditSignature } from '../src/audit-crypto.ts'

describe('audit signing (ed25519, RFC 8032)', () => {
  it('matches the RFC 8032 test vector 1 (empty message)', () => {
    // RFC 8032 §7.1 TEST 1: secret key, public key; signing the empty message.
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex')
    const signer = createAuditSigner(seed)
    expect(signer.publicKey).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
    expect(signer.keyId).toBe(auditKeyId(signer.publicKey))
    expect(signer.keyId).toMatch(/^[0-9a-f]{16}$/)
    expect(signer.sign('')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    )
  })

  it('signs the ASCII of the entry hash; verification rejects other hashes, signatures and keys', () => {
    const signer = createAuditSigner(Buffer.alloc(32, 7))
    const other = createAuditSigner(Buffer.alloc(32, 8))
    const hash = 'ab'.repeat(32)
    const signature = signer.sign(hash)
    expect(signature).toMatch(/^[0-9a-f]{128}$/)
    expect(verifyAuditSignature(hash, signature, signer.publicKey)).toBe(true)
    expect(verifyAuditSignature('cd'.repeat(32), signature, signer.publicKey)).toBe(false)
    expect(verifyAuditSignature(hash, signature, other.publicKey)).toBe(false)
    expect(verifyAuditSignature(hash, `${signature.slice(0, 127)}0`, signer.publicKey)).toBe(signature.endsWith('0'))
    expect(verifyAuditSignature(hash, 'zz', signer.publicKey)).toBe(false)
  })

  it('parses user-supplied public keys', () => {
    expect(parsePublicKey(` ${'AB'.repeat(32)}\n`)).toBe('ab'.repeat(32))
    expect(parsePublicKey('abc')).toBeUndefined()
  })

  it('rejects a seed of the wrong length', () => {
    expect(() => createAuditSigner(new Uint8Array(31))).toThrow(/32 bytes/)
  })
})
