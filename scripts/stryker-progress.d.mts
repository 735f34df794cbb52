// Types of the Stryker progress reporter (scripts/stryker-progress.mjs) for its test.
export interface ScoreBounds { lowest: number | null, highest: number | null }
export function scoreBounds(counts: { detected: number, undetected: number, pending: number }): ScoreBounds

interface PlannedMutant {
  plan: string
  mutant: { status?: string }
  runOptions?: { testFilter?: string[], reloadEnvironment?: boolean }
}

/** A tested mutant as Stryker reports it; an undetected one carries where it is and what it changed. */
interface TestedMutant {
  status: string
  fileName?: string
  location?: { start: { line: number, column: number }, end: { line: number, column: number } }
  mutatorName?: string
  replacement?: string
}

export function describeMutant(mutant: Required<TestedMutant>): string

export class ProgressFileReporter {
  constructor(file?: string)
  onMutationTestingPlanReady(event: { mutantPlans: PlannedMutant[] }): void
  onMutantTested(result: TestedMutant): void
}

export const strykerPlugins: { kind: 'Reporter', name: string, injectableClass: typeof ProgressFileReporter }[]
