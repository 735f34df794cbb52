// Writes docs/state-machines.md from server/src/domain/states.ts (a test keeps the two equal).
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { stateMachinesDoc } from '../src/domain/states'

const target = fileURLToPath(new URL('../../docs/state-machines.md', import.meta.url))
writeFileSync(target, stateMachinesDoc())
console.log(`wrote ${target}`)
