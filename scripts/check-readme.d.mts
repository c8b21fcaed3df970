// The types of check-readme.mjs's exports, for its test (test/docs/check-readme.spec.ts).

/** A readme-check directive: hidden lines around the block, its folder, or a reason to skip it. */
export type ReadmeCheckDirective = { context: string[] } | { folder: string } | { skip: string };

export interface ReadmeBlock {
  /** The README line of the block's first line (1-based). */
  line: number;
  lines: string[];
  directive?: ReadmeCheckDirective | undefined;
}

export interface ReadmeModule {
  path: string;
  text: string;
  /** For each line of `text`, the README line it comes from (undefined: hidden context). */
  readmeLines: (number | undefined)[];
}

export function extractBlocks(markdown: string): ReadmeBlock[];
export function moduleOf(block: ReadmeBlock): ReadmeModule;
