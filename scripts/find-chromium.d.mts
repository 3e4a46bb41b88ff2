export declare const CHROMIUM_CANDIDATES: readonly string[];
export declare const CHROMIUM_HINT: string;
/** Returns the path of a Chromium executable, or null when there is none. */
export declare function findChromium(): string | null;
