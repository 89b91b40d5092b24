// Pretty JSON as a tree people can fold: syntax colours, every number exactly as decoded (the
// protocol's encode writes each scalar), each object and array opened by a button (its bracket:
// keyboard and screen readers know it, with aria-expanded). Large or deep containers start
// folded, showing their size, and their children are built only when first unfolded: a 200-item
// value is one line until asked.
// Text goes in with textContent only.

import { JsonDouble, encode, type ExactJsonObject, type ExactJsonValue } from '@nemesisdb/protocol/codec';

/** Containers with more items than this start folded (the root never does). */
export const FOLD_ITEMS = 12;
/** Containers nested deeper than this start folded. */
export const FOLD_DEPTH = 3;

function isObject(value: ExactJsonValue): value is ExactJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonDouble);
}

function span(className: string, text: string): HTMLSpanElement {
  const node = document.createElement('span');
  node.className = className;
  node.textContent = text;
  return node;
}

function scalar(value: ExactJsonValue): HTMLSpanElement {
  if (typeof value === 'string') return span('j-str', JSON.stringify(value));
  if (value === null) return span('j-null', 'null');
  if (typeof value === 'boolean') return span('j-bool', String(value));
  return span('j-num', encode(value));
}

/** One line of a container: `"key": value,` (key only in objects). */
function line(key: string | undefined, value: ExactJsonValue, last: boolean, depth: number): HTMLElement {
  const row = document.createElement('div');
  row.className = 'j-line';
  if (key !== undefined) row.append(span('j-key', JSON.stringify(key)), span('j-punct', ': '));
  row.append(node(value, depth));
  if (!last) row.append(span('j-punct', ','));
  return row;
}

function node(value: ExactJsonValue, depth: number): HTMLElement {
  const array = Array.isArray(value);
  if (!array && !isObject(value)) return scalar(value);
  const entries: [string | undefined, ExactJsonValue][] = array
    ? value.map((item) => [undefined, item])
    : Object.keys(value).map((key) => [key, value[key] as ExactJsonValue]);
  const [open, close] = array ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return span('j-punct', open + close);

  // A fold: a button (the opening bracket) that shows or hides the children; folded, it shows
  // the size and the closing bracket on the same line.
  const fold = span('j-fold', '');
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'j-toggle';
  const count = array
    ? `${entries.length} ${entries.length === 1 ? 'item' : 'items'}`
    : `${entries.length} ${entries.length === 1 ? 'key' : 'keys'}`;
  toggle.title = `${count}: fold or unfold`;
  toggle.setAttribute('aria-label', count);
  toggle.append(span('j-punct', open), span('j-more', ` … ${count} `), span('j-punct j-more', close));
  fold.append(toggle);
  let children: HTMLElement | undefined;
  const setOpen = (unfold: boolean) => {
    if (unfold && children === undefined) {
      children = document.createElement('div');
      children.className = 'j-children';
      entries.forEach(([key, item], index) => children!.append(line(key, item, index === entries.length - 1, depth + 1)));
      fold.append(children, span('j-punct j-close', close));
    }
    fold.dataset.open = String(unfold);
    toggle.setAttribute('aria-expanded', String(unfold));
  };
  toggle.addEventListener('click', () => setOpen(fold.dataset.open !== 'true'));
  FOLDS.set(fold, setOpen);
  setOpen(!(depth > 0 && (entries.length > FOLD_ITEMS || depth >= FOLD_DEPTH)));
  return fold;
}

/** Each fold's open/close function, for "unfold all". */
const FOLDS = new WeakMap<HTMLElement, (open: boolean) => void>();

/**
 * A tree view of a decoded value. A reply's envelope (`{"SH_GET_RSP": {…}}`, one member holding an
 * object) takes one line, `{"SH_GET_RSP": {` … `}}`, so that a reply costs two lines less.
 */
export function jsonTree(value: ExactJsonValue): HTMLElement {
  const root = document.createElement('div');
  root.className = 'j-tree';
  const names = isObject(value) ? Object.keys(value) : [];
  const inner = names.length === 1 ? (value as ExactJsonObject)[names[0]!] : undefined;
  if (inner !== undefined && isObject(inner) && Object.keys(inner).length > 0) {
    root.append(span('j-punct', '{'), span('j-key', JSON.stringify(names[0])), span('j-punct', ': '), node(inner, 0), span('j-punct', '}'));
  } else {
    root.append(node(value, 0));
  }
  return root;
}

/** Unfolds (or folds) every container of a tree but the root, building the folded ones. */
export function setAllFolds(tree: HTMLElement, open: boolean): void {
  // Unfolding builds children, which may hold more folds: repeat until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const fold of tree.querySelectorAll<HTMLElement>('.j-fold')) {
      if (fold.parentElement === tree || fold.dataset.open === String(open)) continue;
      FOLDS.get(fold)?.(open);
      changed = true;
    }
  }
}
