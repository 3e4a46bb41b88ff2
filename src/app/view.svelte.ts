// How the page looks: the light or dark theme (the system's until one is chosen) and presenter
// mode for a projector (large type, the explanations folded away, keys to move between stages).
// Both are kept in this browser and set on <html> as data-theme and data-present.

const THEME_KEY = 'rlhf-playground/theme';
const PRESENT_KEY = 'rlhf-playground/present';

export type Theme = 'light' | 'dark';

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, v: string): void {
  try {
    localStorage.setItem(key, v);
  } catch {
    // Without storage the choice lasts for this visit.
  }
}

export class ViewState {
  theme = $state<Theme>(stored(THEME_KEY) === 'dark' || (stored(THEME_KEY) === null && globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches) ? 'dark' : 'light');
  present = $state(stored(PRESENT_KEY) === 'on' || new URLSearchParams(globalThis.location?.search ?? '').has('present'));

  constructor() {
    $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.theme;
      });
      $effect(() => {
        if (this.present) document.documentElement.dataset.present = '';
        else delete document.documentElement.dataset.present;
      });
    });
  }

  toggleTheme(): void {
    this.theme = this.theme === 'dark' ? 'light' : 'dark';
    store(THEME_KEY, this.theme);
  }

  togglePresent(): void {
    this.present = !this.present;
    store(PRESENT_KEY, this.present ? 'on' : 'off');
  }
}

/** The page's one view state (the page has one <html>). */
export const view = new ViewState();
