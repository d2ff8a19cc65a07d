import { createMemoryApprovalRepository } from '@permit0/approvals'
import { defineApprovalRepositoryContract } from './approval-repository.contract.ts'

// The in-memory repository of `@permit0/approvals` against the same contract as the store's.
const repository = createMemoryApprovalRepository()
defineApprovalRepositoryContract('memory (@permit0/approvals)', () => ({ repository }))
