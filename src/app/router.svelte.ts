// Which stage the page shows, kept in the URL hash (`#/ppo`) so that links, reloads and
// the back button land on the same stage. A hash naming
// no stage falls back to the first stage.
import { DEFAULT_STAGE, STAGES, stageById, type StageId, type StageInfo } from './stages';

/** Returns the stage id a hash such as `#/ppo` or `#/ppo?seed=7` names, or null if none. */
export function stageFromHash(hash: string): StageId | null {
  const path = hash.replace(/^#\/?/, '').split(/[?/]/)[0] ?? '';
  return STAGES.find((s) => s.id === path)?.id ?? null;
}

/** Returns the link to a stage, for `href`. */
export function hrefFor(id: StageId): string {
  return `#/${id}`;
}

export class StageRouter {
  /** The stage on show. */
  current = $state<StageId>(DEFAULT_STAGE);
  /** Its description, with its view. */
  readonly stage: StageInfo = $derived(stageById(this.current));

  constructor() {
    this.sync();
  }

  /**
   * Reads the stage from `location.hash` into `current`. If the hash names no stage, shows the
   * first stage and rewrites the hash (no new history entry). Call it on `hashchange`.
   */
  sync(): void {
    const id = stageFromHash(location.hash);
    if (id !== null) {
      this.current = id;
      return;
    }
    this.current = DEFAULT_STAGE;
    if (location.hash !== '') history.replaceState(history.state, '', hrefFor(DEFAULT_STAGE));
  }
}
