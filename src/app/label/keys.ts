// The label cards' keyboard: whether a key press belongs to a field being typed in (so it must not
// label or mark), whether it landed on a control that answers Enter and space itself, and handing
// the focus back to the page after a choice so that the next key reaches the card.

/** Inputs that take no typed text: keys pressed on them may still label or mark. */
const NOT_TEXT = new Set(['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'file', 'color']);

/** The key press is typing in a field (a text input, a text area, a select, editable text). */
export function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el instanceof HTMLInputElement) return !NOT_TEXT.has(el.type);
  return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

/** The key press landed on a button, link or other control, which answers Enter and space itself. */
export function onControl(target: EventTarget | null): boolean {
  return (target as HTMLElement | null)?.closest?.('button, a, summary, input, label') != null;
}

/** Takes the focus off whatever has it. */
export function unfocus(): void {
  (document.activeElement as HTMLElement | null)?.blur?.();
}
