import packageJson from '../package.json' with { type: 'json' }

/** The CLI package's version (`permit0 --version`, the pack cache's key). */
export const CLI_VERSION: string = packageJson.version
