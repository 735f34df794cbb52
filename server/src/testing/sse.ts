/**
 * The `data` of each server-sent event of a response body, parsed as JSON, as the events arrive; ends with the
 * stream. (Tests read the order-status streams with it; a reader error ends it with that error.)
 */
export async function* sseData<T = unknown>(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<T> {
  const decoder = new TextDecoder()
  let text = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    text += decoder.decode(value, { stream: true })
    const blocks = text.split('\n\n')
    text = blocks.pop()!
    for (const block of blocks) {
      const data = block.split('\n').find(l => l.startsWith('data: '))
      if (data) yield JSON.parse(data.slice(6)) as T
    }
  }
}
