// Server-rendered HTML: escaping and the page frame every app page shares.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text safe to place in HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char)
}

/** A tagged template that escapes every interpolated value unless it is `raw(...)`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? ''
  values.forEach((value, index) => {
    out += toHtml(value) + (strings[index + 1] ?? '')
  })
  return new Raw(out)
}

function toHtml(value: unknown): string {
  if (value instanceof Raw) return value.text
  if (Array.isArray(value)) return value.map(toHtml).join('')
  return escapeHtml(String(value ?? ''))
}

/** Markup that is already safe. */
export class Raw {
  constructor(readonly text: string) {}
}

/** Marks trusted markup (never user data) as safe. */
export function raw(text: string): Raw {
  return new Raw(text)
}

/** A whole page in the app's frame; `lang` is ru or en. */
export function page(options: { lang: string; title: string; body: Raw; scripts?: Raw; style?: Raw }): string {
  return html`<!doctype html>
<html lang="${options.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<style>
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #333; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 12px; }
.ok { color: #2f7d32; } .error { color: #b3261e; }
${options.style ?? raw('')}
</style>
</head>
<body>
${options.body}
${options.scripts ?? raw('')}
</body>
</html>`.text
}
