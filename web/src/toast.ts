import type { ToastOptions } from 'vant'
import { setToastDefaultOptions } from 'vant'
// Function-call APIs (showToast, showConfirmDialog) are not seen by the component resolver: load their styles here.
import 'vant/es/toast/style/index'
import 'vant/es/dialog/style/index'

/**
 * Vant renders a toast inside a Popup with `role="dialog"` and no name, which screen readers announce
 * as an unnamed dialog (axe: aria-dialog-name). A toast is a status message (WCAG 4.1.3): its extra
 * attributes fall through to the Popup root and replace the role.
 */
export function installAccessibleToasts() {
  setToastDefaultOptions({ 'role': 'status', 'aria-live': 'polite' } as ToastOptions)
  setToastDefaultOptions('fail', { 'role': 'alert', 'aria-live': 'assertive' } as ToastOptions)
}
