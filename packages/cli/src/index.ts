// @nemesisdb/cli — `nemesisdb-cli`, a terminal client for NemesisDB. The executable is dist/cli.js;
// this entry exposes the CLI as a function (for embedding and tests) and the pieces it is made of.

export { run, type Io } from './program.js';
export { ExitCode } from './exit-codes.js';
export { parseInput, substituteTokens, openDepth, type ParsedInput } from './input.js';
export { TokenBook } from './tokens.js';
export { readReply, statusLabel, type ReadReply } from './reply.js';
export { bodySkeleton, parametersOf, type Parameter } from './params.js';
export { complete } from './completer.js';
export { helpFor, helpIndex } from './help.js';
export { prettyJson } from './pretty.js';
export { historyPath } from './history.js';
