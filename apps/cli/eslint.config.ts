import { base } from '@permit0/eslint-config/base'
import { boundaries } from '@permit0/eslint-config/boundaries'

export default [
  ...base,
  ...boundaries('cli'),
  {
    // Commands read the environment through the snapshot main() passes down (src/env.ts);
    // serve's settings through config/load.ts; the hook process entry (hook-loader.ts) finds its
    // code cache before any command module (or zod) is loaded.
    name: 'permit0/cli/env-access',
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/env.ts', 'src/config/load.ts', 'src/hook-loader.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment through ctx.env (src/env.ts).' },
      ],
    },
  },
]
