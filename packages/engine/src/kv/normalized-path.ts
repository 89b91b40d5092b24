// Normalized paths: the form in which jsoncons (and so KV_FIND) names a selected node.

/** jsoncons' `to_jsonpath`: `$`, then `['name']` (escaping \\ ' \b \f \n \r \t) or `[index]`. */
export function normalizedPath(location: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const element of location) {
    out += typeof element === 'number' ? `[${element}]` : `['${escapeName(element)}']`;
  }
  return out;
}

const NAME_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeName(name: string): string {
  return /[\\'\b\f\n\r\t]/.test(name) ? name.replace(/[\\'\b\f\n\r\t]/g, (c) => NAME_ESCAPES[c]!) : name;
}
