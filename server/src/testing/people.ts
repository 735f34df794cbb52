import type { TestBrowser } from './auth'
import process from 'node:process'
import { idCardCheckChar } from '@yibao/shared'
import { expect } from 'vitest'
import { json } from './http'
import { PERSON_FIXTURES } from './nhsa-handlers'
import { lastCodeFor, wechatCodes } from './sms-wechat-handlers'

let seq = 0

/** A Dongying resident of their own (a fresh ID number, with a valid check digit, the fake bureau answers for). */
export function freshPerson(): { name: string, certNo: string } {
  seq += 1
  const first17 = `37050219750505${String(200 + seq).padStart(3, '0')}`
  const certNo = `${first17}${idCardCheckChar(first17)}`
  const base = Object.values(PERSON_FIXTURES).find(p => p.baseinfo.certno.startsWith('370502'))!
  const name = `李核${'一二三四五六七八九十'[seq % 10]}`
  PERSON_FIXTURES[certNo] = { ...base, baseinfo: { ...base.baseinfo, certno: certNo, psn_name: name } }
  return { name, certNo }
}

/** A mobile number no other test process uses. */
export function freshPhone(): string {
  seq += 1
  return `1355${String(process.pid % 10_000).padStart(4, '0')}${String(seq).padStart(3, '0')}`
}

/** SMS sign-in with a phone no account holds: ends in a pending session that needs binding. */
export async function phoneSignIn(browser: TestBrowser, phone: string): Promise<void> {
  expect((await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })).status).toBe(200)
  const body = { phone, code: lastCodeFor(phone) }
  const login = await browser.request('/api/v1/auth/phone-login', { method: 'POST', json: body })
  expect(await json(login)).toEqual({ status: 'needs_binding' })
  await browser.refreshSession()
}

/** WeChat web authorisation as the browser goes through it, for `openid`; where the callback sent the browser. */
export async function wechatSignIn(browser: TestBrowser, openid: string): Promise<string | null> {
  const start = new URL((await browser.request('/api/v1/auth/wechat/start')).headers.get('location')!)
  seq += 1
  const code = `code-${process.pid}-${seq}`
  wechatCodes.set(code, openid)
  const state = start.searchParams.get('state')
  const back = await browser.request(`/api/v1/auth/wechat/callback?code=${code}&state=${state}`)
  await browser.refreshSession()
  return back.headers.get('location')
}

/** Asks for an SMS code for `phone` and returns the code the (fake) SMS gateway sent. */
export async function sendCode(browser: TestBrowser, phone: string): Promise<string> {
  const res = await browser.request('/api/v1/auth/sms-codes', { method: 'POST', json: { phone } })
  expect(res.status).toBe(200)
  return lastCodeFor(phone)
}
