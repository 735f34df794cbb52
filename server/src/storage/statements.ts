import type { PGlite, Transaction } from '@electric-sql/pglite'
import type { Sql, TransactionSql } from 'postgres'

/**
 * Per-statement timing of the data layer, for `/metrics` (issue 14: statements, not crypto, are what a request
 * costs). The layer does not know Prometheus: it tells an observer the statement's family, how it ended and how
 * long it took, and `lib/metrics.ts` counts that.
 */
export type StatementOutcome = 'ok' | 'error'
export type StatementObserver = (family: string, outcome: StatementOutcome, seconds: number) => void

const VERBS = new Set(['select', 'insert', 'update', 'delete', 'with'])
const BARE = new Set(['begin', 'commit', 'rollback', 'set', 'savepoint', 'release', 'listen', 'notify'])
const IDENT = String.raw`"?([a-z_][a-z0-9_$]*)"?(?:\s*\.\s*"?([a-z_][a-z0-9_$]*)"?)?`
const AFTER: Record<string, RegExp> = {
  select: new RegExp(String.raw`\bfrom\s+${IDENT}`, 'i'),
  insert: new RegExp(String.raw`^insert\s+into\s+${IDENT}`, 'i'),
  update: new RegExp(String.raw`^update\s+(?:only\s+)?${IDENT}`, 'i'),
  delete: new RegExp(String.raw`^delete\s+from\s+(?:only\s+)?${IDENT}`, 'i'),
  with: new RegExp(String.raw`^with\s+(?:recursive\s+)?${IDENT}`, 'i'),
}

/**
 * The family of a statement as the code wrote it: its verb and the table it reads or writes (`insert
 * premium_orders`, `select sessions`), or for a CTE its first name (`with claimed`). Made from the statement's
 * text, never its parameters, so no value a person typed can become a label; the families are as many as the
 * statements in the code. Anything else is its verb (`begin`, `set`) or `other`.
 */
export function statementFamily(text: string): string {
  const trimmed = text.replace(/^(?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '')
  const verb = /^[a-z]+/i.exec(trimmed)?.[0]?.toLowerCase() ?? ''
  if (!VERBS.has(verb)) return BARE.has(verb) ? verb : 'other'
  const match = AFTER[verb]!.exec(trimmed)
  if (!match) return verb
  const name = (match[2] ?? match[1]!).toLowerCase()
  return `${verb} ${name}`
}

function timed<T>(observe: StatementObserver, family: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const done = (outcome: StatementOutcome) => observe(family, outcome, (performance.now() - started) / 1000)
  return run().then((value) => {
    done('ok')
    return value
  }, (error: unknown) => {
    done('error')
    throw error
  })
}

/**
 * The PGlite client as drizzle is given it: each `query` timed under its family, each transaction (BEGIN to
 * COMMIT, the commit being what costs on disk) under `transaction`. Everything else is PGlite's own.
 */
export function observedPglite(client: PGlite, observe: StatementObserver): PGlite {
  const wrapTx = (tx: Transaction): Transaction => new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        const query = target.query as (...a: unknown[]) => Promise<unknown>
        return (text: string, ...rest: unknown[]) => timed(observe, statementFamily(text), () => query(text, ...rest))
      }
      return Reflect.get(target, prop, receiver) as unknown
    },
  })
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'query') {
        return (text: string, ...rest: unknown[]) =>
          timed(observe, statementFamily(text), () => (target.query as (...a: unknown[]) => Promise<unknown>)
            .call(target, text, ...rest))
      }
      if (prop === 'transaction') {
        return <T>(callback: (tx: Transaction) => Promise<T>) =>
          timed(observe, 'transaction', () => target.transaction(tx => callback(wrapTx(tx))))
      }
      const value = Reflect.get(target, prop, target) as unknown
      // PGlite keeps its state in private fields: its methods must run on the client itself, not on the proxy.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

/** postgres.js's `sql` as drizzle is given it: `unsafe` (every drizzle statement) and `begin` timed. */
export function observedPostgres<S extends Sql | TransactionSql>(client: S, observe: StatementObserver): S {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (text: string, ...rest: unknown[]) => {
          const started = performance.now()
          const family = statementFamily(text)
          const pending = (target.unsafe as (...a: unknown[]) => PromiseLike<unknown>)(text, ...rest)
          // postgres.js runs a query when it is first awaited; drizzle may still call `.values()` on it in this
          // turn, so the observation attaches in the next microtask, after that.
          queueMicrotask(() => {
            pending.then(
              () => observe(family, 'ok', (performance.now() - started) / 1000),
              () => observe(family, 'error', (performance.now() - started) / 1000),
            )
          })
          return pending
        }
      }
      if (prop === 'begin') {
        return (...args: unknown[]) => {
          const callback = args.at(-1) as (tx: TransactionSql) => unknown
          const options = args.length > 1 ? [args[0]] : []
          return timed(observe, 'transaction', () => (target as Sql).begin(
            ...(options as []),
            (tx: TransactionSql) => callback(observedPostgres(tx, observe)),
          ) as Promise<unknown>)
        }
      }
      if (prop === 'savepoint') {
        return (...args: unknown[]) => {
          const callback = args.at(-1) as (tx: TransactionSql) => unknown
          const name = args.length > 1 ? [args[0]] : []
          return (target as TransactionSql).savepoint(
            ...(name as []),
            (tx: TransactionSql) => callback(observedPostgres(tx, observe)),
          )
        }
      }
      return Reflect.get(target, prop, receiver) as unknown
    },
  })
}
