import { base } from './base.ts'

export default base
