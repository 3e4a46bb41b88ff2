// Claims: the checkable meaning of a sentence. The parser makes them, the writer turns them
// back into text, and the judge checks each one against a scene.

import type { Background, Size, Color } from '../world/scene';
import type { Comparison, ObjectRef, Place, Relation } from './phrases';

export type Claim =
  /** "there is a small red circle at the top left ." */
  | { kind: 'exists'; obj: ObjectRef; place?: Place }
  /** "there is no red circle ." / "there are no circles ." */
  | { kind: 'absent'; obj: ObjectRef }
  /** "there are two circles ." / "there is one red circle ." / "there are three objects ." */
  | { kind: 'count'; obj: ObjectRef; n: number }
  /** "the circle is red ." / "the red circle is small ." / "the red circle is at the top left ." */
  | { kind: 'attribute'; obj: ObjectRef; color?: Color; size?: Size; place?: Place }
  /** "the red circle is left of the blue square ." */
  | { kind: 'relation'; a: ObjectRef; rel: Relation; b: ObjectRef }
  /** "the red circle is bigger than the blue square ." / "the ... and the ... are the same size ." */
  | { kind: 'compare'; a: ObjectRef; rel: Comparison; b: ObjectRef }
  /** "it is night ." */
  | { kind: 'environment'; background: Background }
  /** A bare "yes" or "no", checked against the question it answers. */
  | { kind: 'answer'; yes: boolean }
  /** "i am not sure ." : honest, claims nothing true or false. */
  | { kind: 'unsure' };

export type ClaimKind = Claim['kind'];
