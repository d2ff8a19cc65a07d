import { base } from '@permit0/eslint-config/base'
import { boundaries } from '@permit0/eslint-config/boundaries'
import { react } from '@permit0/eslint-config/react'

export default [...base, ...boundaries('dashboard'), ...react]
