/** Small DOM helpers shared by the teach page's modules. */

/** The element with this id (throws when the page lacks it: a typo, not a user error). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`teach page: no element #${id}`);
  return e as T;
}

/** Creates an element with attributes (`class`, `data-*`, aria, …) and children (strings become text). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A button with a label, an accessible name and a click handler. */
export function button(label: string, aria: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = el("button", { type: "button", "aria-label": aria, ...attrs }, label);
  b.addEventListener("click", onClick);
  return b;
}

/** Starts a download of `data` as `fileName`. */
export function download(data: Uint8Array | string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const a = el("a", { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
