// What a person sees of a part of a page: its text with each select's chosen option and each box's value, hidden parts left out.
import type { Locator } from 'playwright-core'

/** The visible text of `locator`'s element, as read on screen (a closed «Дополнительно» shows only its heading). */
export async function seen(locator: Locator): Promise<string> {
  return locator.evaluate((root) => {
    const out: string[] = []
    const walk = (node: Node): void => {
      if (node.nodeType === Node.TEXT_NODE) return void out.push(node.textContent ?? '')
      if (!(node instanceof HTMLElement)) return
      if (node.hidden || ['SCRIPT', 'STYLE', 'TEMPLATE'].includes(node.tagName) || getComputedStyle(node).display === 'none') return
      if (node instanceof HTMLSelectElement) return void out.push(` ${node.selectedOptions[0]?.textContent ?? ''} `)
      if (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement) {
        if (!['checkbox', 'radio', 'hidden'].includes(node.type)) out.push(` ${node.value} `)
        return
      }
      if (node instanceof HTMLDetailsElement && !node.open) return void walk(node.querySelector(':scope > summary') ?? document.createElement('span'))
      const block = /^(block|flex|grid|list-item|table|table-row)$/.test(getComputedStyle(node).display)
      if (block) out.push('\n')
      node.childNodes.forEach(walk)
      if (block) out.push('\n')
    }
    walk(root)
    return out.join('').replace(/[ \t]+/g, ' ').replace(/ ?\n[\s]*/g, '\n').trim()
  })
}
