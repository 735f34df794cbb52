// A Stryker reporter (`progress-file`) that keeps the score's bounds on disk while a run goes on, in
// reports/mutation/progress.json. Stryker writes its reports only when every mutant has run; its last mutants
// (those that need the test environment reloaded) can take minutes each, and a run stopped before the end left no
// score at all. From the plan (how many mutants are ignored, have no coverage, or will run) and the results so
// far, this file always holds the lowest score the run can still reach (every untested mutant survives) and the
// highest (every one is killed). The score is Stryker's: killed + timed out over those plus survived and uncovered.
// It also lists each surviving mutant and each mutant no test reaches (file:line:column, mutator, replacement), so a
// run stopped part-way still says which tests are missing.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import process from 'node:process'

const FILE = 'reports/mutation/progress.json'
const DETECTED = new Set(['Killed', 'Timeout'])
const UNDETECTED = new Set(['Survived', 'NoCoverage'])

/** The bounds of the mutation score from what is known: `detected`, `undetected` and `pending` mutants. */
export function scoreBounds({ detected, undetected, pending }) {
  const total = detected + undetected + pending
  if (total === 0) return { lowest: null, highest: null }
  const pct = n => Math.round((n / total) * 10_000) / 100
  return { lowest: pct(detected), highest: pct(detected + pending) }
}

/** One mutant as a line a person can go to: where it is, which mutator, and what it put there. */
export function describeMutant({ fileName, location, mutatorName, replacement }) {
  const where = `${relative(process.cwd(), fileName)}:${location.start.line}:${location.start.column}`
  const what = replacement === undefined ? '' : ` → ${replacement.replace(/\s+/g, ' ').slice(0, 80)}`
  return `${where} ${mutatorName}${what}`
}

export class ProgressFileReporter {
  static inject = []

  /** @param {string} file where the progress is written (Stryker constructs it with none: the default) */
  constructor(file = FILE) {
    this.file = file
  }

  started = new Date().toISOString()
  /** From the plan: every mutant, and how each will be settled. */
  planned = { mutants: 0, ignored: 0, noCoverage: 0, run: 0, reloadingEnvironment: 0 }
  /** Every result so far by status (Stryker reports early results and uncovered mutants here too). */
  results = {}
  /** The surviving mutants so far, each as `file:line:column mutator → replacement` (lines and columns 1-based). */
  survived = []
  /** The mutants no test covers, listed the same way (Stryker reports them before the first mutant runs). */
  uncovered = []

  onMutationTestingPlanReady({ mutantPlans }) {
    for (const p of mutantPlans) {
      this.planned.mutants += 1
      if (p.plan !== 'Run') {
        if (p.mutant.status === 'Ignored') this.planned.ignored += 1
      }
      else if (p.runOptions.testFilter?.length === 0) this.planned.noCoverage += 1
      else {
        this.planned.run += 1
        if (p.runOptions.reloadEnvironment) this.planned.reloadingEnvironment += 1
      }
    }
    mkdirSync(dirname(this.file), { recursive: true })
    this.write()
  }

  onMutantTested(result) {
    this.results[result.status] = (this.results[result.status] ?? 0) + 1
    if (result.status === 'Survived') this.survived.push(describeMutant(result))
    if (result.status === 'NoCoverage') this.uncovered.push(describeMutant(result))
    this.write()
  }

  write() {
    const sum = keep => Object.entries(this.results).filter(([s]) => keep(s)).reduce((n, [, c]) => n + c, 0)
    const pending = this.planned.mutants - this.planned.ignored - sum(s => s !== 'Ignored')
    const detected = sum(s => DETECTED.has(s))
    const bounds = scoreBounds({ detected, undetected: sum(s => UNDETECTED.has(s)), pending })
    // Written beside it and renamed over it: a run killed mid-write leaves the last whole file, never half of one.
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify({
      started: this.started,
      updated: new Date().toISOString(),
      planned: this.planned,
      pending,
      results: this.results,
      score: bounds,
      survived: this.survived,
      uncovered: this.uncovered,
    }, null, 2)}\n`)
    renameSync(`${this.file}.tmp`, this.file)
  }
}

export const strykerPlugins = [{ kind: 'Reporter', name: 'progress-file', injectableClass: ProgressFileReporter }]
