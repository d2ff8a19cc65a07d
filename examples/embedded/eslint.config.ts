import { base } from '@permit0/eslint-config/base'

export default base
