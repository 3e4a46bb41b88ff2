// Writes claims as sentences of the core grammar. The parser reads every sentence this
// writes back into the same claim (a test checks the round trip).

import type { Claim } from './claims';
import { bareNoun, NUMBERS, objectPhrase, placeText } from './phrases';

/** Returns the sentence for a claim, ending in " .". */
export function writeClaim(c: Claim): string {
  switch (c.kind) {
    case 'exists':
      return `there is ${objectPhrase(c.obj, 'a')}${c.place ? ` ${placeText(c.place)}` : ''} .`;
    case 'absent':
      return `there is no ${bareNoun(c.obj)} .`;
    case 'count':
      if (c.n === 1) return `there is one ${bareNoun(c.obj)} .`;
      return `there are ${NUMBERS[c.n] ?? String(c.n)} ${bareNoun(c.obj, true)} .`;
    case 'attribute': {
      const value = c.color ?? c.size ?? (c.place ? placeText(c.place) : undefined);
      if (value === undefined) throw new Error('attribute claim without a value');
      return `${objectPhrase(c.obj, 'the')} is ${value} .`;
    }
    case 'relation':
      return `${objectPhrase(c.a, 'the')} is ${c.rel} ${objectPhrase(c.b, 'the')} .`;
    case 'compare':
      if (c.rel === 'same size') return `${objectPhrase(c.a, 'the')} and ${objectPhrase(c.b, 'the')} are the same size .`;
      return `${objectPhrase(c.a, 'the')} is ${c.rel} than ${objectPhrase(c.b, 'the')} .`;
    case 'environment':
      return `it is ${c.background} .`;
    case 'answer':
      return c.yes ? 'yes .' : 'no .';
    case 'unsure':
      return 'i am not sure .';
  }
}

/** Writes a yes/no answer followed by a supporting claim: "yes , there is a red circle ." */
export function writeAnswerWith(yes: boolean, support: Claim): string {
  return `${yes ? 'yes' : 'no'} , ${writeClaim(support)}`;
}
