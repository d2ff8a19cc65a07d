import { z } from 'zod'

// Imported first by main.tsx, before any schema runs: no `new Function` probe. The server's CSP
// forbids eval, and the caught probe would still be reported as a policy violation.
z.config({ jitless: true })
