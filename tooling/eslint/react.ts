import { defineConfig } from 'eslint/config'
import reactHooks from 'eslint-plugin-react-hooks'

/**
 * React rules for the dashboard: the rules of hooks (errors) and exhaustive effect
 * dependencies. The React Compiler rules of eslint-plugin-react-hooks 7 are left off: the
 * dashboard does not use the compiler.
 */
export const react = defineConfig({
  name: 'permit0/react',
  files: ['**/*.{ts,tsx}'],
  // Only the rules: the plugin's own `configs` typing does not match ESLint's `Plugin` type.
  plugins: { 'react-hooks': { rules: reactHooks.rules } },
  rules: {
    'react-hooks/rules-of-hooks': 'error',
    'react-hooks/exhaustive-deps': 'error',
  },
})
