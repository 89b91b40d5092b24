// The page's elements, looked up once by id and checked against the kind the code expects, so a
// renamed id or a changed tag in index.html fails at load with its name, not later as `null`.

/** The element kinds the page's code needs, by constructor name. */
interface Kinds {
  HTMLElement: HTMLElement;
  HTMLButtonElement: HTMLButtonElement;
  HTMLFormElement: HTMLFormElement;
  HTMLInputElement: HTMLInputElement;
  HTMLOListElement: HTMLOListElement;
  HTMLOutputElement: HTMLOutputElement;
  HTMLTableSectionElement: HTMLTableSectionElement;
  HTMLTextAreaElement: HTMLTextAreaElement;
}

/** `'last-token'` → `'lastToken'`. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

type ElementsOf<M extends { [K in keyof Kinds]?: readonly string[] }> = {
  [Kind in keyof M & keyof Kinds as CamelCase<NonNullable<M[Kind]>[number]>]: Kinds[Kind];
};

function camelCase(id: string): string {
  return id.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The elements with the given ids, by kind: `elements({ HTMLButtonElement: ['copy-token'] })`
 * gives `{ copyToken: HTMLButtonElement }`. Throws when an id is missing or of another kind.
 */
export function elements<const M extends { [K in keyof Kinds]?: readonly string[] }>(byKind: M): ElementsOf<M> {
  const found: Record<string, HTMLElement> = {};
  for (const [kind, ids] of Object.entries(byKind) as [keyof Kinds, readonly string[]][]) {
    for (const id of ids) {
      const element = document.getElementById(id);
      if (element === null) throw new Error(`the page has no #${id}`);
      if (!(element instanceof globalThis[kind])) throw new Error(`#${id} is not an ${kind}`);
      found[camelCase(id)] = element;
    }
  }
  return found as ElementsOf<M>;
}
