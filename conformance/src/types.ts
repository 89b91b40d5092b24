// The shapes shared by the extractor, the runner and the reporters. A corpus is plain JSON (request
// and response texts are kept as text, so 64-bit integers survive until the codec reads them).

/** How a request block's text goes on the wire. */
export type SendMode =
  /** `json request`: parsed, placeholders filled, KV key names namespaced, re-serialised; one text message. */
  | 'json'
  /** `text request`: sent byte for byte (placeholders filled textually); for invalid JSON, comments, duplicates. */
  | 'text'
  /** `binary request`: the block's UTF-8 bytes in a binary message. */
  | 'binary'
  /** `hex request`: the bytes written in hex, in a text message (for invalid UTF-8). */
  | 'hex';

/** Padding of a request with trailing JSON whitespace up to the server's maxPayload (`pad=max`, `pad=max+1`). */
export type Padding = 'max' | 'max+1';

export interface SendStep {
  readonly kind: 'send';
  readonly mode: SendMode;
  readonly text: string;
  readonly pad?: Padding;
  /** 1-based line of the block's opening fence in the source page. */
  readonly line: number;
}

export interface ExpectStep {
  readonly kind: 'expect';
  readonly text: string;
  /** Objects may have members the expectation does not list. */
  readonly subset: boolean;
  /** Arrays are compared as multisets (for listings whose order the protocol leaves unspecified). */
  readonly unordered: boolean;
  readonly line: number;
}

export interface ExpectCloseStep {
  readonly kind: 'close';
  /** The close code required, or null for "any close, and no reply before it". */
  readonly code: number | null;
  readonly line: number;
}

export interface WaitStep {
  readonly kind: 'wait';
  readonly ms: number;
  readonly line: number;
}

export interface ConnectStep {
  readonly kind: 'connect';
  /** Path (and query) to open a new connection on, relative to the server URL's origin. */
  readonly path: string;
  readonly line: number;
}

export type Step = SendStep | ExpectStep | ExpectCloseStep | WaitStep | ConnectStep;

/** One conformance case: a documented example, replayable against a server. */
export interface Case {
  /** `<page>#<heading-slug>`, e.g. `commands/sh-new.md#duration-missing`; unique in a corpus. */
  readonly id: string;
  readonly title: string;
  /** Page path relative to the docs root, with `/` separators. */
  readonly file: string;
  /** Line of the case's heading. */
  readonly line: number;
  /** Command names, kinds (status, expiry, persistence, transport, behaviour) and explicit tags. */
  readonly tags: readonly string[];
  readonly steps: readonly Step[];
}

/** The cases of a docs tree, as shipped in `dist/corpus.json`. */
export interface Corpus {
  readonly version: 1;
  readonly cases: readonly Case[];
}

/**
 * Outcome of one case. `expected-failure`: it failed, and an expect-fail list says it must (a known
 * gap of the implementation under test); it does not fail the run. A listed case that passes is
 * `failed`, with `unexpectedPass` set, so the list stays honest.
 */
export type CaseStatus = 'passed' | 'failed' | 'skipped' | 'expected-failure';

export interface CaseResult {
  readonly case: Case;
  readonly status: CaseStatus;
  /** Milliseconds spent running the case (0 when skipped). */
  readonly durationMs: number;
  /** Why it failed or was skipped. */
  readonly message?: string;
  /** The source line of the failing step (for `file:line` in reports). */
  readonly line?: number;
  /** The reason an expect-fail list gives for this case, when it lists it. */
  readonly expectedFailure?: string;
  /** Set when the case is listed as an expected failure but passed. */
  readonly unexpectedPass?: boolean;
}

export interface Summary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Cases that failed as an expect-fail list says they must (not counted in `failed`). */
  readonly expectedFailures: number;
  readonly durationMs: number;
}

/** What the runner learnt about the server before running cases. */
export interface ServerFacts {
  readonly url: string;
  readonly serverVersion: string | null;
  /** SV_INFO's `persistEnabled`, or null when the server does not report it. */
  readonly persistEnabled: boolean | null;
}
