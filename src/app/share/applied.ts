// What a link's settings did to the session: the settings it set, and what it could not read.

/** What a link set, and what it could not read. */
export interface AppliedSettings {
  set: { key: string; value: string }[];
  problems: string[];
}
