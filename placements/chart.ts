// A bar chart as inline SVG, drawn on the server: no library, no script, nothing fetched.
import { html, type Raw } from './html.js'

/** One bar: its axis label («01.12»), its value, and what its tooltip says. */
export interface Bar {
  label: string
  value: number
  title: string
}

const BAR = 16
const GAP = 4
const HEIGHT = 120
const TOP = 14
const BOTTOM = 20
const LEFT = 28
const RIGHT = 14

/** Bars left to right with the maximum marked on the y axis; every `labelEvery`-th bar and the last one labelled. */
export function barChart(bars: readonly Bar[], options: { label: string; labelEvery?: number }): Raw {
  const every = options.labelEvery ?? 7
  const max = Math.max(1, ...bars.map((bar) => bar.value))
  const right = LEFT + bars.length * (BAR + GAP)
  const width = right + RIGHT
  const base = TOP + HEIGHT
  return html`<svg class="chart" role="img" aria-label="${options.label}" viewBox="0 0 ${width} ${base + BOTTOM}" width="${width}" height="${base + BOTTOM}" xmlns="http://www.w3.org/2000/svg">
  <line class="axis" x1="${LEFT - 2}" y1="${TOP}" x2="${LEFT - 2}" y2="${base}"/>
  <line class="axis" x1="${LEFT - 2}" y1="${base}" x2="${right}" y2="${base}"/>
  <text class="tick" x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">${max}</text>
  <text class="tick" x="${LEFT - 6}" y="${base}" text-anchor="end">0</text>
  ${bars.map((bar, i) => {
    const x = LEFT + i * (BAR + GAP)
    // A day without violations keeps a sliver so the row of days reads as a row.
    const height = bar.value === 0 ? 1 : Math.round((bar.value / max) * HEIGHT)
    const labelled = i % every === 0 || i === bars.length - 1
    return html`<g><rect class="bar${bar.value === 0 ? ' zero' : ''}" x="${x}" y="${base - height}" width="${BAR}" height="${height}" data-value="${bar.value}"><title>${bar.title}</title></rect>${bar.value > 0 ? html`<text class="value" x="${x + BAR / 2}" y="${base - height - 3}" text-anchor="middle">${bar.value}</text>` : ''}${labelled ? html`<text class="tick" x="${x + BAR / 2}" y="${base + 14}" text-anchor="middle">${bar.label}</text>` : ''}</g>`
  })}
</svg>`
}
