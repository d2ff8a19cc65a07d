import { base } from '@permit0/eslint-config/base'
import { boundaries } from '@permit0/eslint-config/boundaries'

export default [...base, ...boundaries('domain')]
