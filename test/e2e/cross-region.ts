import type { Page } from 'playwright-core'

/** Chooses the 就医地 of the 异地就医备案 form in its province/city picker. */
export async function chooseCity(page: Page, province: string, city: string) {
  await page.getByTestId('cr-destination').click()
  // A wheel column keeps far options outside its window (they never count as visible): tap them as a
  // finger would after scrolling, by their own click handler.
  await page.getByRole('listbox', { name: '省份' }).getByRole('option', { name: province, exact: true }).dispatchEvent('click')
  await page.getByRole('listbox', { name: '城市' }).getByRole('option', { name: city, exact: true }).dispatchEvent('click')
  await page.getByRole('button', { name: '确认' }).click()
  await page.getByTestId('cr-destination').filter({ hasText: city }).waitFor()
}
