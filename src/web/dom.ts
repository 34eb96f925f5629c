// Small DOM helpers the dashboard's views share (no framework, no innerHTML).

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, className?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  if (className) node.setAttribute('class', className);
  return node;
}

/** Write only when the text changed (a write costs a re-layout even when it is the same). */
export function setText(node: Element | null | undefined, text: string): void {
  if (node && node.textContent !== text) node.textContent = text;
}

/** Set attributes whose value changed. */
export function setAttrs(node: Element, attrs: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(attrs)) {
    const text = String(value);
    if (node.getAttribute(name) !== text) node.setAttribute(name, text);
  }
}

export function must<T extends Element>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (found === null) throw new Error(`dashboard markup lacks ${selector}`);
  return found;
}

/** A short highlight on a changed figure (Web Animations: no reflow tricks, no timers); skipped for reduced motion. */
const reducedMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
export function flash(node: Element, direction: 'up' | 'down'): void {
  if (reducedMotion || typeof node.animate !== 'function') return;
  const color = direction === 'up' ? 'rgba(63, 185, 80, 0.2)' : 'rgba(248, 81, 73, 0.2)';
  node.animate([{ backgroundColor: color }, { backgroundColor: 'transparent' }], { duration: 600, easing: 'ease-out' });
}
