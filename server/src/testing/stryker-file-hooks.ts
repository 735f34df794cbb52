// `pnpm mutate` only (vitest.mutate.config.ts): what a test file runs outside its tests counts for the tests of
// that file.
//
// Stryker's vitest runner records which tests run each mutant, and counts code that runs outside any test as
// "static". A route test file starts its payment stack, and often pays an order, in `beforeAll`; so most of the
// payment code counted as static as well as per test ("hybrid"), and Stryker re-ran each such mutant with the
// whole test environment reloaded and every test file run: minutes per mutant, hours per run.
//
// Those mutants need no reload. Stryker activates a run-time mutant in its own `beforeAll`, which runs before the
// file's hooks, so the file's `beforeAll` already runs with the mutant on. What they need is the right tests: every
// test of the file whose hooks ran them (when a hook breaks, all of them fail). This setup file gives code run in a
// file's hooks (and between its tests) to every test of the file. Code run when a module is imported stays static.
import type { RunnerTask, RunnerTestSuite } from 'vitest'
import { afterAll, beforeAll, inject } from 'vitest'

type Coverage = Record<string, number>
interface StrykerNamespace {
  currentTestId?: string
  mutantCoverage?: { static: Coverage, perTest: Record<string, Coverage> }
}

const globalNamespace = (inject as (key: string) => unknown)('globalNamespace') as string | undefined
if (globalNamespace && (inject as (key: string) => unknown)('mode') === 'dry-run') {
  const g = globalThis as unknown as Record<string, StrykerNamespace | undefined>
  const ns = (g[globalNamespace] ??= {})
  let inTest: string | undefined
  let fileHooks: string | undefined
  // Stryker's own setup sets the id before each test and clears it after; between tests, the file's id stands.
  Object.defineProperty(ns, 'currentTestId', {
    configurable: true,
    get: () => inTest ?? fileHooks,
    set: (id: string | undefined) => { inTest = id },
  })

  // Vitest reads the first parameter as fixtures: it must be an object pattern to reach the suite.
  // eslint-disable-next-line no-empty-pattern
  beforeAll(({}, suite) => {
    fileHooks = `${suite.file.filepath}#(the file's hooks)`
  })
  // Registered after Stryker's afterAll, so it runs before it (hooks run as a stack) and before Stryker reads
  // the coverage.
  // eslint-disable-next-line no-empty-pattern
  afterAll(({}, suite) => {
    const perTest = ns.mutantCoverage?.perTest
    const hooks = fileHooks && perTest?.[fileHooks]
    if (perTest && hooks) {
      delete perTest[fileHooks!]
      for (const id of testIds(suite)) {
        const cov = (perTest[id] ??= {})
        for (const [mutant, hits] of Object.entries(hooks)) cov[mutant] = (cov[mutant] ?? 0) + hits
      }
    }
    fileHooks = undefined
  })
}

/** The ids Stryker's vitest setup gives the tests that ran (its `toRawTestId`). */
function testIds(suite: RunnerTestSuite): string[] {
  return suite.tasks.flatMap((task: RunnerTask) => {
    if (task.type === 'suite') return testIds(task)
    if (task.mode !== 'run') return []
    const names = [task.name]
    for (let s: RunnerTestSuite | undefined = task.suite; s; s = s.suite) names.unshift(s.name)
    return [`${task.file.filepath}#${names.join(' ').trim()}`]
  })
}
