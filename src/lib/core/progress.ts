// A one-line spinner on a terminal; a no-op elsewhere (pipes, CI, --json), so logs stay clean.
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export interface Progress {
  update(message: string): void
  clear(): void
}

export function progress(stream: NodeJS.WriteStream, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY) return {update() {}, clear() {}}
  let frame = 0
  let message = ''
  let timer: NodeJS.Timeout | undefined
  const draw = () => stream.write(`\r\u001B[2K${FRAMES[frame++ % FRAMES.length]} ${message}`.slice(0, (stream.columns || 80) + 8))
  return {
    update(text) {
      message = text
      timer ??= setInterval(draw, 100).unref()
      draw()
    },
    clear() {
      if (timer === undefined) return
      clearInterval(timer)
      timer = undefined
      stream.write('\r\u001B[2K')
    },
  }
}
