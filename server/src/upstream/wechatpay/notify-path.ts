/**
 * Where the BFF receives WeChat Pay callbacks: `app.ts` mounts the notify route here (outside the
 * session and CSRF checks) and `env.ts` refuses a `WXPAY_NOTIFY_URL` whose path is anything else, so
 * the two cannot drift. Its own module so that env parsing loads no WeChat Pay code.
 * @see ./README.md "The notify route"
 */
export const WECHATPAY_NOTIFY_PATH = '/api/v1/payments/wechat/notify'
