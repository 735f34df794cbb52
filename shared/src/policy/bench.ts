import type { SpecialStatus } from '../schemas/person'
import type { HospitalLevel, PolicyId } from './ids'
import type { SettlementInput } from './settlement'
import { POLICY_IDS } from './ids'
import { estimateSettlement } from './settlement'

const STATUS_SETS: readonly (readonly SpecialStatus[])[] = [
  [],
  ['poverty_registered'],
  ['minimum_living', 'severe_disability'],
  ['extreme_poverty', 'poverty_registered', 'marginal'],
  ['marginal'],
]

/** A fixed, varied set of estimate inputs (every policy, level, status mix, small and large bills, year-to-date). */
function benchInputs(): { policy: PolicyId, input: SettlementInput }[] {
  const out: { policy: PolicyId, input: SettlementInput }[] = []
  let seed = 12345
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  }
  for (let i = 0; i < 512; i++) {
    const total = [3_000_00, 25_000_00, 180_000_00, 650_000_00][i % 4]! + next(100_000)
    const outOfList = Math.floor(total * next(30) / 100)
    out.push({
      policy: POLICY_IDS[i % POLICY_IDS.length]!,
      input: {
        statuses: STATUS_SETS[next(STATUS_SETS.length)]!,
        hospitalLevel: (1 + next(3)) as HospitalLevel,
        referred: next(4) !== 0,
        total,
        outOfList,
        yearToDate: i % 3 === 0
          ? undefined
          : { criticalBurden: next(300_000_00), criticalPaid: next(50_000_00), basicPaid: next(100_000_00), assistancePaid: next(20_000_00) },
      },
    })
  }
  return out
}

function now(): number {
  const perf = (globalThis as { performance?: { now: () => number } }).performance
  return perf ? perf.now() : Date.now()
}

/**
 * Runs `estimateSettlement` `iterations` times over a fixed varied set of inputs and returns the
 * throughput on the current thread (estimates per second). Pure apart from reading the clock.
 */
export function benchEngine(iterations = 200_000): { opsPerSec: number, iterations: number } {
  const inputs = benchInputs()
  let sink = 0
  // Warm-up (compiles the policies, lets the JIT settle).
  for (let i = 0; i < Math.min(iterations, 5_000); i++) {
    const x = inputs[i % inputs.length]!
    sink += estimateSettlement(x.policy, x.input).personalPay
  }
  const start = now()
  for (let i = 0; i < iterations; i++) {
    const x = inputs[i % inputs.length]!
    sink += estimateSettlement(x.policy, x.input).personalPay
  }
  const ms = Math.max(now() - start, 1e-3)
  if (sink < 0) throw new Error('unreachable')
  return { opsPerSec: Math.round(iterations / (ms / 1000)), iterations }
}
