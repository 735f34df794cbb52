/** A resident's session ends after this long without a request (the app warns before, and can extend it). */
export const RESIDENT_IDLE_S = 30 * 60

/** How long before that end the app says so, with 继续使用 (MIIT 适老化: enough time, no change without warning). */
export const IDLE_WARNING_S = 3 * 60
