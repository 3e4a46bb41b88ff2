// Typed answers in the judge's spelling: the core grammar is lower case with every word and
// punctuation mark separated by one space, so "There is a red circle." must become
// "there is a red circle ." before the (strict) judge reads it.

/** Returns the text lower-cased, with spaces around "." "," "?" and runs of white space collapsed. */
export function normaliseAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/([.,?])/g, ' $1 ')
    .replace(/\s+/g, ' ')
    .trim();
}
