// Types of the Stryker progress reporter (scripts/stryker-progress.mjs) for its test.
export interface ScoreBounds { lowest: number | null, highest: number | null }
export function scoreBounds(counts: { detected: number, undetected: number, pending: number }): ScoreBounds

interface PlannedMutant {
  plan: string
  mutant: { status?: string }
  runOptions?: { testFilter?: string[], reloadEnvironment?: boolean }
}

export class ProgressFileReporter {
  constructor(file?: string)
  onMutationTestingPlanReady(event: { mutantPlans: PlannedMutant[] }): void
  onMutantTested(result: { status: string }): void
}

export const strykerPlugins: { kind: 'Reporter', name: string, injectableClass: typeof ProgressFileReporter }[]
