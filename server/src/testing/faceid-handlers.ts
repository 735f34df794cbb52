import type { SimFaceOutcome } from '@yibao/sandbox'
import { createFaceIdSimulator } from '@yibao/sandbox'
import { http } from 'msw'
import { NHSA_TEST_URL } from './nhsa-handlers'

/** Where the test apps' face-check adapter calls (SANDBOX=external: the sandbox at NHSA_BASE_URL, under /faceid/). */
export const FACEID_TEST_URL = `${NHSA_TEST_URL}/faceid/`

/**
 * The sandbox's own 人脸核身 simulator answers the adapter in BFF tests (real wire, TC3 signature checked);
 * `completeFaceCheck` plays what the person does on its page.
 */
export const faceSim = createFaceIdSimulator()

export const faceidHandlers = [
  // fetch, not request: a loopback BFF (@hono/node-server) replaces the global Request, and `request()` would
  // then take MSW's request for a path string.
  http.post(FACEID_TEST_URL, ({ request }) => faceSim.app.fetch(request)),
]

/** The BizToken in a provider page URL returned by DetectAuth. */
export function bizTokenOf(providerUrl: string): string {
  const token = new URL(providerUrl).searchParams.get('token')
  if (!token) throw new Error(`no token in ${providerUrl}`)
  return token
}

/** What the person did on the provider's page (`timeout`: nothing comes back, the check stays unfinished). */
export async function completeFaceCheck(providerUrl: string, outcome: SimFaceOutcome): Promise<void> {
  const res = await faceSim.app.request('/__sandbox/faceid/complete', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: bizTokenOf(providerUrl), outcome }),
  })
  if (!res.ok) throw new Error(`face simulator: ${res.status}`)
}
