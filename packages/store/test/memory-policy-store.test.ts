import { createMemoryPolicyStore } from '@permit0/engine'
import { definePolicyStoreContract } from './policy-store.contract.ts'

// The engine's in-memory store (CLI one-shot commands, gateway, hook) against the same contract.
definePolicyStoreContract('memory (engine)', () => {
  const store = createMemoryPolicyStore({ fingerprint: 'fp-memory' })
  return {
    store,
    fingerprint: 'fp-memory',
    deny: async (h) => store.addDeny(h),
    allow: async (h) => store.addAllow(h),
  }
})
