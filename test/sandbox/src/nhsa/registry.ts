import type { z } from 'zod'
import type { SandboxState } from '../state'
import type { NhsaRequest } from './envelope'
import { describeIssue } from './envelope'

/**
 * Transaction registry of the national platform. Each transaction lives in one file under
 * `nhsa/transactions/` and is listed in `nhsa/transactions/index.ts`.
 */

/** A business failure: the handler's way to answer `infcode: -1` with `err_msg`. */
export class NhsaFailure extends Error {
  override readonly name = 'NhsaFailure'
}

/** What a transaction handler receives. */
export interface NhsaContext<I> {
  /** Validated `input` of the envelope. */
  input: I
  envelope: NhsaRequest
  state: SandboxState
  /** When the request was received (from the sandbox clock). */
  now: Date
}

/** Definition of one transaction (交易). */
export interface NhsaTransactionDef<I, O> {
  /** 交易编号, e.g. `'1101'`. */
  infno: string
  /** 交易名称, e.g. `'人员信息获取'`. */
  name: string
  /** Schema of the envelope's `input`; its error messages become `err_msg`. */
  input: z.ZodType<I>
  /** Produces `output`, or throws `NhsaFailure`. */
  handle: (ctx: NhsaContext<I>) => O | Promise<O>
  /** The `bad-shape` fault's version of a real output (missing fields, wrong types). */
  badShape?: (output: O) => unknown
}

/** A registered transaction with its types erased. */
export interface NhsaTransaction {
  infno: string
  name: string
  /** Validates the input and runs the handler; throws `NhsaFailure` on business errors. */
  execute: (rawInput: unknown, ctx: Omit<NhsaContext<unknown>, 'input'>) => Promise<{ output: unknown, badShape: () => unknown }>
}

/**
 * Declares a transaction.
 *
 * @example
 * export const ping9999 = defineTransaction({ infno: '9999', name: '测试', input: z.object({}), handle: () => ({ pong: true }) })
 */
export function defineTransaction<I, O>(def: NhsaTransactionDef<I, O>): NhsaTransaction {
  return {
    infno: def.infno,
    name: def.name,
    async execute(rawInput, ctx) {
      const parsed = def.input.safeParse(rawInput)
      if (!parsed.success) throw new NhsaFailure(`输入参数校验失败：${describeIssue(parsed.error)}`)
      const output = await def.handle({ ...ctx, input: parsed.data })
      return { output, badShape: () => (def.badShape ? def.badShape(output) : {}) }
    },
  }
}

/** Lookup table of transactions by infno; throws on duplicates. */
export function createRegistry(transactions: readonly NhsaTransaction[]): ReadonlyMap<string, NhsaTransaction> {
  const map = new Map<string, NhsaTransaction>()
  for (const tx of transactions) {
    if (map.has(tx.infno)) throw new Error(`transaction ${tx.infno} registered twice`)
    map.set(tx.infno, tx)
  }
  return map
}
