// The jsoncons dialect of JSONPath, as small subclasses of json-p3's public AST classes swapped
// into each compiled query once (see jsonpath.ts for why json-p3).
//
// Adaptations to jsoncons (each one is a class below, applied by `adaptQuery`):
// - `.length` on a non-empty array is its size, on a string its code point count (jsoncons'
//   identifier_selector does this; RFC 9535 selects nothing). `length(x)` counts code points too.
//   A quoted integer name on an array (`$['1']`) is an index, as in jsoncons.
// - Filter operators follow jsoncons: a singular query that selects nothing is `null` (so
//   `@.x == null` matches a missing x), `<` `<=` `>` `>=` compare two numbers or two strings only,
//   `==` compares numbers by value across int/double, and truthiness is jsoncons' `is_true` (false,
//   null, "", [] and {} are false) for `?(@.flag)`, `!`, `&&` and `||`.
// - Numbers from our lossless codec: `bigint` (beyond 2^53) and `JsonDouble` (integral doubles,
//   recognised structurally: any non-plain object whose valueOf() is a number) compare exactly by
//   value; a JsonDouble is a scalar, never an object with a `value` member to descend into.

import {
  FunctionExpressionType,
  JSONPathEnvironment,
  JSONPathError as LibraryError,
  JSONPathNode,
  JSONPathNodeList,
  Nothing,
  jsonpath,
  type FilterFunction,
  type JSONPathQuery,
} from 'json-p3';
import { isJsonObject } from '@nemesisdb/protocol';
import { codePointCount, isTrue, jsonEquals, order } from './jsoncons-values.js';

/**
 * How deep `..` may descend (json-p3 defaults to 50). jsoncons has no limit; values nest up to the
 * codec's 1024 levels (MAX_NESTING_DEPTH in @nemesisdb/protocol), deeper only when KV_UPDATE puts
 * one nested value inside another: this allows twice that. Past it, or past the JS stack, the query
 * fails with JsonPathError.
 */
const MAX_DEPTH = 2 * 1024 + 2;

const { FilterQuery, FunctionExtension, InfixExpression, LogicalExpression, PrefixExpression } = jsonpath.expressions;
const { FilterSelector, NameSelector } = jsonpath.selectors;
type FilterExpression = jsonpath.expressions.FilterExpression;
type FilterContext = jsonpath.FilterContext;
type Token = jsonpath.Token;

/** A value jsoncons computes rather than finds (`.length`): selectable, never replaceable. */
export class ComputedNode extends JSONPathNode {}

/** Name selection as jsoncons' identifier_selector does it. */
class JsonconsNameSelector extends NameSelector {
  override resolve(node: JSONPathNode): JSONPathNode[] {
    const value: unknown = node.value;
    const name = this.name;
    if (isJsonObject(value)) {
      return Object.hasOwn(value, name) ? [new JSONPathNode(value[name] as never, node.location.concat(name), node.root)] : [];
    }
    if (Array.isArray(value)) {
      if (/^-?\d+$/.test(name)) {
        const n = Number(name);
        const index = n >= 0 ? n : value.length + n;
        return index >= 0 && index < value.length ? [new JSONPathNode(value[index] as never, node.location.concat(index), node.root)] : [];
      }
      if (name === 'length' && value.length > 0) {
        return [new ComputedNode(value.length, node.location.concat(name), node.root)];
      }
      return [];
    }
    if (typeof value === 'string' && name === 'length') {
      return [new ComputedNode(codePointCount(value), node.location.concat(name), node.root)];
    }
    return [];
  }

  override *lazyResolve(node: JSONPathNode): Generator<JSONPathNode> {
    yield* this.resolve(node);
  }
}

/** An operand as jsoncons sees it: a singular query is its value or null, any other query an array. */
function operand(expression: FilterExpression, context: FilterContext): unknown {
  const result = expression.evaluate(context);
  if (result instanceof JSONPathNodeList) {
    if (expression instanceof FilterQuery && !expression.path.singularQuery()) return result.values();
    return result.nodes.length === 0 ? null : result.nodes[0]!.value;
  }
  return result === Nothing ? null : result;
}

class JsonconsInfix extends InfixExpression {
  override evaluate(context: FilterContext): boolean {
    // jsoncons' `&&`/`||` return an operand, but the grammar only lets a logical result be tested
    // for truth, so its truth is all that is kept. Comparisons of other types (jsoncons null) are false.
    const left = operand(this.left, context);
    if (this.operator === '&&') return isTrue(left) && isTrue(operand(this.right, context));
    if (this.operator === '||') return isTrue(left) || isTrue(operand(this.right, context));
    const right = operand(this.right, context);
    switch (this.operator) {
      case '==':
        return jsonEquals(left, right);
      case '!=':
        return !jsonEquals(left, right);
    }
    const sign = order(left, right);
    if (sign === null) return false;
    switch (this.operator) {
      case '<':
        return sign < 0;
      case '<=':
        return sign <= 0;
      case '>':
        return sign > 0;
      case '>=':
        return sign >= 0;
    }
    throw new LibraryError(`unknown operator '${this.operator}'`, this.token);
  }
}

class JsonconsNot extends PrefixExpression {
  override evaluate(context: FilterContext): boolean {
    return !isTrue(operand(this.right, context));
  }
}

/** The whole filter: selects the current node when its value is true in jsoncons' sense. */
class JsonconsFilter extends LogicalExpression {
  override evaluate(context: FilterContext): boolean {
    return isTrue(operand(this.expression, context));
  }
}

/** `length(x)` as jsoncons: array size, object member count, string code points; else null. */
const LENGTH_FUNCTION: FilterFunction = {
  argTypes: [FunctionExpressionType.ValueType],
  returnType: FunctionExpressionType.ValueType,
  call(value: unknown): unknown {
    if (Array.isArray(value)) return value.length;
    if (typeof value === 'string') return codePointCount(value);
    if (isJsonObject(value)) return Object.keys(value).length;
    return Nothing;
  },
};

class JsonconsEnvironment extends JSONPathEnvironment {
  constructor() {
    super({ strict: true, maxRecursionDepth: MAX_DEPTH });
    this.functionRegister.set('length', LENGTH_FUNCTION);
  }

  /** Members of a JSON object for `*`, `..` and filters; a JsonDouble has none. */
  override entries(obj: { [key: string]: unknown }): Array<[string, never]> {
    return isJsonObject(obj) ? (Object.entries(obj) as Array<[string, never]>) : [];
  }
}

const ENVIRONMENT = new JsonconsEnvironment();

/** Compiles `path` in the jsoncons dialect; throws the library's error when it does not parse. */
export function compileJsoncons(path: string): JSONPathQuery {
  return adaptQuery(ENVIRONMENT.compile(path));
}

/** Swaps the jsoncons classes into a freshly compiled query (it is then cached, never re-adapted). */
function adaptQuery(query: JSONPathQuery): JSONPathQuery {
  for (const segment of query.segments) {
    const selectors = segment.selectors;
    for (let i = 0; i < selectors.length; i++) {
      const selector = selectors[i]!;
      if (selector instanceof NameSelector) {
        selectors[i] = new JsonconsNameSelector(selector.environment, selector.token, selector.name);
      } else if (selector instanceof FilterSelector) {
        selectors[i] = new FilterSelector(selector.environment, selector.token, adaptExpression(selector.expression) as never);
      }
    }
  }
  return query;
}

function adaptExpression(expression: FilterExpression): FilterExpression {
  const token: Token = expression.token;
  if (expression instanceof LogicalExpression) return new JsonconsFilter(token, adaptExpression(expression.expression));
  if (expression instanceof InfixExpression) {
    return new JsonconsInfix(token, adaptExpression(expression.left), expression.operator, adaptExpression(expression.right));
  }
  if (expression instanceof PrefixExpression && expression.operator === '!') {
    return new JsonconsNot(token, expression.operator, adaptExpression(expression.right));
  }
  if (expression instanceof FunctionExtension) return new FunctionExtension(token, expression.name, expression.args.map(adaptExpression));
  if (expression instanceof FilterQuery) adaptQuery(expression.path);
  return expression;
}
