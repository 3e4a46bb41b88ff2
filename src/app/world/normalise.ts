// Typed answers in the judge's spelling: the core grammar is lower case with every word and
// punctuation mark separated by one space, so "There is a red circle." must become
// "there is a red circle ." before the (strict) judge reads it; a missing final full stop is added.

/**
 * Returns the text lower-cased, with spaces around "." "," "?" and runs of white space collapsed,
 * and a final " ." when the last sentence has none.
 */
export function normaliseAnswer(text: string): string {
  const t = text
    .toLowerCase()
    .replace(/([.,?])/g, ' $1 ')
    .replace(/\s+/g, ' ')
    .trim();
  return t === '' || /[.?]$/.test(t) ? t : `${t} .`;
}
