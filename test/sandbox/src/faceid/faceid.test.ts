import { describe, expect, it } from 'vitest'
import { createFaceIdSimulator } from './routes'

// The simulator's H5 page: what a person sees and what each button does (the API is tested through the
// BFF's adapter, which signs its requests: server/src/upstream/faceid/client.test.ts).
function simWithCheck() {
  const sim = createFaceIdSimulator({ now: () => new Date('2026-11-15T02:00:00Z') })
  sim.state.checks.set('TOKEN-1', {
    bizToken: 'TOKEN-1',
    ruleId: '1',
    name: '王桂兰',
    certNo: '370502196806152021',
    redirectUrl: 'https://app.example/api/v1/face-checks/abc/return',
    createdAt: new Date('2026-11-15T02:00:00Z'),
    outcome: null,
    finishedAt: null,
  })
  const press = (outcome: string) => sim.app.request('/__sandbox/faceid/h5', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: 'TOKEN-1', outcome }).toString(),
  })
  return { sim, press }
}

describe('人脸核身 simulator page', () => {
  it('shows the person masked and the four outcomes as buttons', async () => {
    const { sim } = simWithCheck()
    const res = await sim.app.request('/__sandbox/faceid/h5?token=TOKEN-1')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const page = await res.text()
    expect(page).toContain('<html lang="zh-CN">')
    expect(page).toContain('width=device-width')
    expect(page).toContain('王**')
    expect(page).toContain('370502********2021')
    expect(page).not.toContain('370502196806152021')
    for (const label of ['通过', '活体检测未通过', '非本人', '超时（不返回）'])
      expect(page).toContain(`>${label}</button>`)
  })

  it('a result goes back to the merchant with the token; pressing again changes nothing', async () => {
    const { sim, press } = simWithCheck()
    const res = await press('live_fail')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('https://app.example/api/v1/face-checks/abc/return?token=TOKEN-1')
    await press('pass')
    expect(sim.state.checks.get('TOKEN-1')!.outcome).toBe('live_fail')
  })

  it('超时（不返回） leaves the check unfinished and offers a way back', async () => {
    const { sim, press } = simWithCheck()
    const res = await press('timeout')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('返回原页面')
    expect(sim.state.checks.get('TOKEN-1')!.outcome).toBe('timeout')
  })

  it('an unknown token is a page that says the link is no longer valid', async () => {
    const { sim } = simWithCheck()
    const res = await sim.app.request('/__sandbox/faceid/h5?token=NOPE')
    expect(res.status).toBe(404)
    expect(await res.text()).toContain('核身链接已失效')
  })
})
