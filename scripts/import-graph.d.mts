export interface Import {
  specifier: string;
  line: number;
  typeOnly: boolean;
  dynamic: boolean;
}
export interface Edge {
  from: string;
  to: string;
  line: number;
  typeOnly: boolean;
  dynamic: boolean;
}
export interface ImportGraph {
  files: string[];
  edges: Edge[];
  unresolved: { from: string; line: number; specifier: string }[];
}
export interface LayerRule {
  from: string;
  to: string[];
}
export declare const SOURCE_EXTENSIONS: readonly string[];
export declare const FORBIDDEN: readonly LayerRule[];
export declare function readImports(text: string, opts?: { svelte?: boolean }): Import[];
/** The file a relative or root-absolute specifier names; null for a package, undefined when nothing is there. */
export declare function resolveImport(root: string, importer: string, specifier: string): string | null | undefined;
export declare function importGraph(root: string): ImportGraph;
export declare function forbiddenArrows(graph: ImportGraph, rules?: readonly LayerRule[]): Edge[];
export declare function stronglyConnected(graph: ImportGraph): string[][];
export declare function shortestCircle(graph: ImportGraph, component: string[]): Edge[];
export declare function checkImports(root: string): { ok: boolean; text: string };
