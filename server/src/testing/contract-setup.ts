import { afterEach, expect } from 'vitest'
import { takeContractViolations } from './contract'

// Every test of the server project: a response that broke the OpenAPI contract fails the test that caused it.
afterEach(() => {
  expect(takeContractViolations(), 'responses that do not match the OpenAPI document (server/src/lib/openapi.ts)')
    .toEqual([])
})
