import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect } from 'vitest';

/**
 * Every name an entry module exports, values and types alike (`type X` for a type-only name),
 * sorted: what a package's public-API test compares with the list it documents, so widening or
 * narrowing a package's surface is always a visible, reviewed change. Read with the TypeScript
 * checker rather than by importing the module, because most of a surface is types.
 */
export function exportNames(entry: URL | string): string[] {
  const file = typeof entry === 'string' ? entry : fileURLToPath(entry);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`exportNames: cannot read ${file}`);
  const module = checker.getSymbolAtLocation(source);
  if (module === undefined) return [];
  return checker
    .getExportsOfModule(module)
    .map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return target.flags & ts.SymbolFlags.Value ? symbol.name : `type ${symbol.name}`;
    })
    .sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
}

/**
 * Checks an entry's export names against its API report (`api/<entry>.txt` in the package, one
 * name a line), written by `vitest -u`. The report is plain text so a review shows a surface
 * change as a one-line diff.
 */
export async function expectPublicApi(entry: URL, report: URL): Promise<void> {
  await expect(`${exportNames(entry).join('\n')}\n`).toMatchFileSnapshot(fileURLToPath(report));
}
