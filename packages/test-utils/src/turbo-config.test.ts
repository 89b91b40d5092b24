// The workspace's task-runner set-up, checked against the code that runs under it, through turbo's
// own view of it (`turbo run … --dry=json`: the root turbo.json merged with each package's, as
// turbo runs the tasks; a package's array replaces the root's).
// - Environment: turbo 2 runs every task in strict mode, where a variable that is not declared for
//   a task never reaches it. `NDB_REF_BIN=… pnpm test` skipped the app's tests against C++ v0.7.4,
//   and FUZZ_RUNS, CHROMIUM_PATH (for some packages) and the engine, client, server and
//   session-store benches' settings were dropped, all silently, until they were declared.
// - Inputs: a task's result is cached on its inputs, by default its package's files only. A test
//   or build that reads docs/ (the conformance corpus, a guide's examples, the command pages) must
//   list them, or a changed doc is judged by a result cached before the change. The same goes for
//   the shared configuration every package pulls in (tooling/, tsconfig.base.json, the root ESLint
//   config): turbo.json's globalDependencies, so that a change there reruns every task.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type Task = 'build' | 'test' | 'bench' | 'fuzz';
const RUN_TASKS: readonly Task[] = ['test', 'bench', 'fuzz'];

interface DryTask {
  taskId: string;
  task: string;
  directory: string;
  inputs: Record<string, string>;
  environmentVariables: { specified: { env?: string[]; passThroughEnv?: string[] | null } };
}

function dryRun(): DryRun {
  const turbo = join(ROOT, 'node_modules', '.bin', 'turbo');
  const result = spawnSync(turbo, ['run', 'build', ...RUN_TASKS, '--dry=json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`turbo --dry=json failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as DryRun;
}

interface DryRun {
  tasks: DryTask[];
  globalCacheInputs: { files: Record<string, string> };
}

const {
  tasks,
  globalCacheInputs: { files: globalInputs },
} = dryRun();
const byDirectory = new Map<string, Map<string, DryTask>>();
for (const task of tasks) {
  if (!byDirectory.has(task.directory)) byDirectory.set(task.directory, new Map());
  byDirectory.get(task.directory)!.set(task.task, task);
}

/** What turbo passes to every task whatever turbo.json says (the ones read here). */
const ALWAYS_PASSED = ['PATH', 'HOME'];

/** The patterns (`*` a wildcard) of the variables a task receives. */
function declared(task: DryTask): string[] {
  const { env, passThroughEnv } = task.environmentVariables.specified;
  return [...(env ?? []), ...(passThroughEnv ?? [])];
}

function matches(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

/**
 * The task that runs a file of a package: bench/ and fuzz/ hold those tasks' scripts; tests,
 * their helpers and test-utils (test support) run under `test`, tsup.config.ts under `build`.
 * Anything else is code users run, whose variables (the app's NEMESISDB_*) never pass through turbo.
 */
function taskOf(directory: string, file: string): Task | undefined {
  if (file === 'tsup.config.ts') return 'build';
  const [top] = file.split(sep);
  if (top === 'bench' || top === 'fuzz') return top;
  if (top !== 'src') return undefined;
  if (directory === join('packages', 'test-utils')) return 'test';
  if (/\.test(-util)?\.ts$/.test(file) || file.split(sep).includes('testing')) return 'test';
  return undefined;
}

interface SourceFile {
  directory: string;
  file: string;
  task: Task;
  text: string;
}

function sourceFiles(): SourceFile[] {
  const found: SourceFile[] = [];
  for (const directory of byDirectory.keys()) {
    for (const file of readdirSync(join(ROOT, directory), { recursive: true }) as string[]) {
      if (!/\.(ts|mjs|js)$/.test(file) || file.split(sep).some((part) => part === 'node_modules' || part === 'dist')) continue;
      const task = taskOf(directory, file);
      if (task !== undefined) found.push({ directory, file, task, text: readFileSync(join(ROOT, directory, file), 'utf8') });
    }
  }
  return found;
}

const files = sourceFiles();

const READ = /process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[\s*['"]([A-Z_][A-Z0-9_]*)['"]\s*\])/g;

/** The variables each task of each package reads: `package#task` → name → files. */
function variablesRead(): Map<string, Map<string, string[]>> {
  const found = new Map<string, Map<string, string[]>>();
  for (const { directory, file, task, text } of files) {
    for (const match of text.matchAll(READ)) {
      const name = (match[1] ?? match[2])!;
      const key = `${directory}#${task}`;
      const readers = found.get(key) ?? new Map<string, string[]>();
      found.set(key, readers);
      const where = join(directory, file);
      if (!readers.get(name)?.includes(where)) readers.set(name, [...(readers.get(name) ?? []), where]);
    }
  }
  return found;
}

const read = variablesRead();

/** Paths a file reads beside its own, written as `new URL('…', import.meta.url)` or `join(import.meta.dirname | here, '…')`. */
const PATH_LITERAL = /new URL\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)|join\(\s*(?:import\.meta\.dirname|here)\s*,\s*'([^']+)'\s*\)/g;

/**
 * Whether a path is outside every package and is not the workspace root: a package's files (its
 * own, or another's build) reach a task through its package and its dependencies, and the root
 * is where commands run, not something read.
 */
function outsideEveryPackage(target: string): boolean {
  if (resolve(target) === resolve(ROOT)) return false;
  return [...byDirectory.keys()].every((directory) => relative(join(ROOT, directory), target).startsWith('..'));
}

/** Files outside every package that tests and builds read, with the task that reads them. */
function filesReadOutside(): { reader: string; directory: string; task: Task; target: string }[] {
  const found: { reader: string; directory: string; task: Task; target: string }[] = [];
  for (const { directory, file, task, text } of files) {
    if (task !== 'test' && task !== 'build') continue;
    for (const match of text.matchAll(PATH_LITERAL)) {
      const target = resolve(ROOT, directory, dirname(file), (match[1] ?? match[2])!);
      if (!existsSync(target) || !outsideEveryPackage(target)) continue;
      const targets = statSync(target).isDirectory()
        ? (readdirSync(target, { recursive: true }) as string[])
            .map((entry) => join(target, entry))
            .filter((path) => statSync(path).isFile())
        : [target];
      for (const each of targets) found.push({ reader: join(directory, file), directory, task, target: each });
    }
  }
  return found;
}

/** Shared configuration a package's config files pull in from outside it: `from '../../tooling/…'`, `"extends": "../../tsconfig.base.json"`. */
const CONFIG_REFERENCE = /from '(\.[^']+)'|"extends":\s*"(\.[^"]+)"/g;

function sharedConfigFiles(): { reader: string; target: string }[] {
  const found: { reader: string; target: string }[] = [];
  for (const directory of byDirectory.keys()) {
    for (const file of readdirSync(join(ROOT, directory))) {
      if (!/^(tsconfig.*\.json|.*\.config\.(ts|js|mjs))$/.test(file)) continue;
      for (const match of readFileSync(join(ROOT, directory, file), 'utf8').matchAll(CONFIG_REFERENCE)) {
        const written = resolve(ROOT, directory, (match[1] ?? match[2])!);
        // A TypeScript import names the .js its .ts becomes.
        const target = existsSync(written) ? written : written.replace(/\.js$/, '.ts');
        if (existsSync(target) && outsideEveryPackage(target)) found.push({ reader: join(directory, file), target });
      }
    }
  }
  return found;
}

describe('turbo runs each task with what it reads', () => {
  it('finds the variables and the files outside their package that benches and tests are known to read', () => {
    // Guards the scans themselves: a scan that found nothing would pass every check below.
    expect([...(read.get(join('apps', 'server') + '#bench')?.keys() ?? [])]).toEqual(
      expect.arrayContaining(['NDB_REF_BIN', 'LOAD_SECONDS']),
    );
    expect([...(read.get(join('apps', 'server') + '#test')?.keys() ?? [])]).toContain('NDB_REF_BIN');
    expect([...(read.get(join('packages', 'test-utils') + '#test')?.keys() ?? [])]).toEqual(
      expect.arrayContaining(['CI', 'CHROMIUM_PATH']),
    );
    expect(filesReadOutside().map(({ target }) => relative(ROOT, target))).toEqual(
      expect.arrayContaining([join('docs', 'reference', 'protocol.md'), join('docs', 'guides', 'session-store.md')]),
    );
  });

  it.each(RUN_TASKS)('hands every %s task the environment variables it reads', (name) => {
    const missing: string[] = [];
    for (const [key, names] of read) {
      const [directory, task] = key.split('#') as [string, Task];
      if (task !== name) continue;
      const patterns = [...declared(byDirectory.get(directory)!.get(task)!), ...ALWAYS_PASSED];
      for (const [variable, readers] of names) {
        if (!patterns.some((pattern) => matches(pattern, variable))) missing.push(`${variable} (read by ${readers.join(', ')})`);
      }
    }
    expect(missing, `declare them for the ${name} task in turbo.json (env, or passThroughEnv)`).toEqual([]);
  });

  it('declares no variable by name that no task of its kind reads', () => {
    const unused: string[] = [];
    for (const name of RUN_TASKS) {
      const readers = [...read].filter(([key]) => key.endsWith(`#${name}`)).flatMap(([, names]) => [...names.keys()]);
      const names = new Set(tasks.filter((task) => task.task === name).flatMap(declared));
      for (const pattern of names) if (!pattern.includes('*') && !readers.includes(pattern)) unused.push(`${name}: ${pattern}`);
    }
    expect(unused).toEqual([]);
  });

  it('makes the variables that decide which tests run part of the test cache key', () => {
    // A cached pass from a run without NDB_REF_BIN must not stand for a run against C++ v0.7.4.
    for (const task of tasks.filter((each) => each.task === 'test')) {
      expect(task.environmentVariables.specified.env ?? [], task.taskId).toEqual(
        expect.arrayContaining(['CI', 'NDB_REF_BIN', 'FUZZ_RUNS']),
      );
    }
  });

  it('makes every file a test or a build reads outside its package an input of it', () => {
    const missing: string[] = [];
    for (const { reader, directory, task, target } of filesReadOutside()) {
      // A test depends on its package's build: an input of the build is one of the test.
      const covering = task === 'test' ? ['test', 'build'] : ['build'];
      const input = relative(join(ROOT, directory), target).split(sep).join('/');
      const global = globalInputs[relative(ROOT, target).split(sep).join('/')] !== undefined; // globalDependencies
      if (!global && !covering.some((each) => byDirectory.get(directory)?.get(each)?.inputs[input] !== undefined)) {
        missing.push(`${relative(ROOT, target)} (read by ${reader})`);
      }
    }
    expect(missing, 'add them to the task inputs in the package turbo.json ($TURBO_ROOT$/…)').toEqual([]);
  });

  it('makes the shared configuration the packages pull in (tooling/, tsconfig.base.json) a global input', () => {
    const config = sharedConfigFiles();
    expect(config.map(({ target }) => relative(ROOT, target))).toEqual(
      expect.arrayContaining(['tsconfig.base.json', join('tooling', 'tsup.base.ts')]),
    );
    const global = Object.keys(globalInputs);
    const missing = config.filter(({ target }) => !global.includes(relative(ROOT, target).split(sep).join('/')));
    expect(
      missing.map(({ reader, target }) => `${relative(ROOT, target)} (read by ${reader})`),
      'add them to globalDependencies in turbo.json',
    ).toEqual([]);
  });
});
