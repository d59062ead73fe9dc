// Small DOM helpers. Everything from the server is written with textContent, never as HTML.
export const $ = <E extends HTMLElement>(id: string) => document.getElementById(id) as E;

export function el(tag: string, text?: string, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

export function showError(e: unknown) {
  const box = $('error');
  box.textContent = e instanceof Error ? e.message : String(e);
  box.hidden = false;
}

export function clearError() {
  $('error').hidden = true;
}
