import { commands, type CommandName } from '@nemesisdb/protocol';

/*
 * A command's parameters, read from its request schema in @nemesisdb/protocol (the one place the
 * wire shapes are written): names, nesting, whether each is required, and a placeholder value of
 * the right type — for Tab's body skeleton and for `help`.
 */

/** One parameter of a request body. */
export interface Parameter {
  name: string;
  required: boolean;
  /** A value of the right type to start from: `$tkn` for a token, `{}`, `[]`, `""`, `0`, `false`. */
  placeholder: string;
  /** Members, for an object parameter with a known shape (SH_NEW's `expiry`). */
  members: Parameter[] | undefined;
}

interface ZodLike {
  _zod: { def: { type: string; innerType?: ZodLike; in?: ZodLike; out?: ZodLike; shape?: Record<string, ZodLike> } };
  safeParse(value: unknown): { success: boolean };
}

/** Looks through wrappers that do not change what is written: optional, transforms, refinements. */
function unwrap(schema: ZodLike): { schema: ZodLike; optional: boolean } {
  let current = schema;
  let optional = false;
  for (;;) {
    const { def } = current._zod;
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) {
      optional ||= def.type !== 'nullable';
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      // A transform's input is what is written; a refinement piped into a shape (SH_INFO) has
      // the shape on its output side.
      const input = unwrap(def.in).schema;
      current = Object.keys(input._zod.def.shape ?? {}).length === 0 && def.out ? def.out : input;
    } else {
      return { schema: current, optional };
    }
  }
}

/** Tried in order: the first value the schema accepts is the placeholder. */
const CANDIDATES: [unknown, string][] = [
  [{}, '{}'],
  [[], '[]'],
  ['', '""'],
  [0, '0'],
  [false, 'false'],
  [null, 'null'],
];

function describe(name: string, field: ZodLike): Parameter {
  const { schema, optional } = unwrap(field);
  const { def } = schema._zod;
  if (name === 'tkn') return { name, required: !optional, placeholder: '$tkn', members: undefined };
  if (def.type === 'object' && def.shape) {
    const members = shapeOf(schema);
    return { name, required: !optional, placeholder: skeletonOf(members), members };
  }
  const fit = CANDIDATES.find(([value]) => schema.safeParse(value).success);
  return { name, required: !optional, placeholder: fit?.[1] ?? 'null', members: undefined };
}

/** Accepts anything: a member the protocol leaves unchecked (SH_NEW's `name`), not worth a placeholder. */
function untyped(field: ZodLike): boolean {
  const { type } = unwrap(field).schema._zod.def;
  return type === 'unknown' || type === 'any';
}

/** The members of an object schema: `tkn` first, then required ones, then optional ones, untyped left out. */
function shapeOf(schema: ZodLike): Parameter[] {
  const shape = unwrap(schema).schema._zod.def.shape ?? {};
  const parameters = Object.entries(shape)
    .filter(([, field]) => !untyped(field))
    .map(([name, field]) => describe(name, field));
  const rank = (p: Parameter) => (p.name === 'tkn' ? 0 : p.required ? 1 : 2);
  return parameters.sort((a, b) => rank(a) - rank(b));
}

function skeletonOf(parameters: readonly Parameter[]): string {
  return `{${parameters.map((p) => `${JSON.stringify(p.name)}:${p.placeholder}`).join(',')}}`;
}

/** The parameters of a command's request body, as its schema declares them. */
export function parametersOf(command: CommandName): Parameter[] {
  return shapeOf(commands[command].request as unknown as ZodLike);
}

/**
 * A body to start from, with every parameter named and a placeholder of its type:
 * `{"tkn":$tkn,"keys":{}}` for SH_SET, `{}` for a command without parameters.
 */
export function bodySkeleton(command: CommandName): string {
  return skeletonOf(parametersOf(command));
}
