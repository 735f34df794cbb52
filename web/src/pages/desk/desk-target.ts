/**
 * Who a desk action is for: a person the staff member looked up by ID number (with the name as typed,
 * possibly empty), or one opened by scanning their 电子凭证, known to the page only by the BFF's
 * sealed handle (`subject`), never by their ID number.
 */
export type DeskTarget = { certNo: string, name: string } | { subject: string }
