// The Stryker reporter that keeps the mutation score's bounds on disk while a run goes on
// (scripts/stryker-progress.mjs).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { describe, expect, it } from 'vitest'
import { ProgressFileReporter, scoreBounds } from '../../scripts/stryker-progress.mjs'

const early = (status: string) => ({ plan: 'EarlyResult', mutant: { status } })
const run = (tests: string[], reloadEnvironment = false) =>
  ({ plan: 'Run', mutant: {}, runOptions: { testFilter: tests, reloadEnvironment } })

describe('mutation score bounds while a run goes on', () => {
  it('counts every untested mutant as survived for the lowest score and as killed for the highest', () => {
    expect(scoreBounds({ detected: 3, undetected: 2, pending: 3 })).toEqual({ lowest: 37.5, highest: 75 })
    expect(scoreBounds({ detected: 0, undetected: 0, pending: 0 })).toEqual({ lowest: null, highest: null })
  })

  it('reads the plan and the results as Stryker reports them, and the bounds meet when the run ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stryker-progress-'))
    const file = join(dir, 'progress.json')
    const reporter = new ProgressFileReporter(file)
    const read = () => JSON.parse(readFileSync(file, 'utf8'))
    reporter.onMutationTestingPlanReady({
      mutantPlans: [
        early('Ignored'),
        early('Ignored'),
        run([]),
        ...Array.from({ length: 5 }, () => run(['t1'])),
        run(['t2'], true),
        run(['t2'], true),
      ],
    })
    expect(read().planned).toEqual({ mutants: 10, ignored: 2, noCoverage: 1, run: 7, reloadingEnvironment: 2 })
    expect(read().pending).toBe(8)
    // Stryker reports early results and uncovered mutants through onMutantTested too; a result carries its mutant.
    const survivor = {
      status: 'Survived',
      fileName: join(process.cwd(), 'server/src/lib/otp.ts'),
      location: { start: { line: 42, column: 7 }, end: { line: 42, column: 9 } },
      mutatorName: 'EqualityOperator',
      replacement: 'attempts <=\n   limit',
    }
    const uncovered = {
      status: 'NoCoverage',
      fileName: join(process.cwd(), 'server/src/lib/session.ts'),
      location: { start: { line: 175, column: 12 }, end: { line: 175, column: 21 } },
      mutatorName: 'StringLiteral',
      replacement: '""',
    }
    for (const result of [{ status: 'Ignored' }, { status: 'Ignored' }, uncovered, ...Array.from({ length: 3 }, () => ({ status: 'Killed' }))])
      reporter.onMutantTested(result)
    expect(read().survived).toEqual([])
    // What no test reaches is listed too, apart from what survived a test.
    expect(read().uncovered).toEqual(['server/src/lib/session.ts:175:12 StringLiteral → ""'])
    reporter.onMutantTested(survivor)
    expect(read()).toMatchObject({ pending: 3, score: { lowest: 37.5, highest: 75 } })
    // Each survivor is listed where a person can find it (path from the project, 1-based line and column).
    expect(read().survived).toEqual(['server/src/lib/otp.ts:42:7 EqualityOperator → attempts <= limit'])
    const another = { ...survivor, mutatorName: 'ConditionalExpression', replacement: 'false' }
    for (const result of [another, { status: 'Timeout' }, { status: 'RuntimeError' }])
      reporter.onMutantTested(result)
    // A runtime error is left out of the score, as Stryker does: 4 detected (3 killed, 1 timeout) of 7.
    expect(read()).toMatchObject({ pending: 0, score: { lowest: 57.14, highest: 57.14 } })
    expect(read().survived).toHaveLength(2)
    expect(read().survived[1]).toBe('server/src/lib/otp.ts:42:7 ConditionalExpression → false')
    expect(read().uncovered).toHaveLength(1)
    // Each write replaces the whole file by a rename: nothing half-written is left beside it.
    expect(readdirSync(dir)).toEqual(['progress.json'])
  })
})
