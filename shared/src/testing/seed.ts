const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {}
const CI = env.CI === 'true' || env.CI === '1'

/**
 * The seed of the property-based tests (fast-check): `FUZZ_SEED` when set (to replay a failure), a fixed
 * one in CI (`CI=true`: the same inputs on every run), else a random one. fast-check prints the seed
 * (and the path of the shrunk counterexample) with every failure: `FUZZ_SEED=<seed>` runs it again.
 */
export const PROPERTY_SEED: number | undefined = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : CI ? 20261115 : undefined
