import type { ConsentState, SessionView } from '@yibao/shared'
import { CONSENT_VERSION } from '@yibao/shared'

/** Consent states as the session reply carries them: not yet agreed to the current version, and agreed. */
export const ASKED: ConsentState = { version: CONSENT_VERSION, required: true, agreed: null, withdrawnAt: null }
export const AGREED: ConsentState = {
  version: CONSENT_VERSION,
  required: false,
  agreed: {
    version: CONSENT_VERSION,
    at: '2026-11-15T10:02:00.000+08:00',
    general: true,
    sensitive: true,
    channel: 'phone',
  },
  withdrawnAt: null,
}

/** The session reply of a signed-in resident in a given consent state. */
export function residentWithConsent(consent: ConsentState, certNo = '370502********0421'): SessionView {
  return {
    authenticated: true,
    kind: 'resident',
    csrfToken: 'csrf',
    resident: { name: '王**', certNo, regionCode: certNo.slice(0, 6), consent },
    pending: null,
    staff: null,
    sandboxSmsInbox: null,
    sandboxWechatPay: null,
  }
}
