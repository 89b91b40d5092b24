// Build step: reads the command pages of docs/commands/ and writes src/generated/command-docs.json,
// so that `help SH_NEW` shows what the docs say (and the packed CLI needs no docs folder: tsup
// inlines the JSON into dist/). The docs stay the one place a command is described; this only cuts
// them into parts. Data, not source: src/command-doc.ts imports it and gives it its type.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const docsDir = fileURLToPath(new URL('../../../docs/commands/', import.meta.url));
const outFile = fileURLToPath(new URL('../src/generated/command-docs.json', import.meta.url));

/** Splits a page into its `## ` sections: { title, sections: Map<heading, body> }. */
function sections(text) {
  const lines = text.split('\n');
  const title = lines[0].replace(/^#\s+/, '');
  const result = new Map([['', []]]);
  let current = '';
  for (const line of lines.slice(1)) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      current = heading[1].trim();
      result.set(current, []);
    } else {
      result.get(current).push(line);
    }
  }
  return { title, sections: new Map([...result].map(([k, v]) => [k, v.join('\n').trim()])) };
}

/** Rows of the first Markdown table in a text (header row and separator dropped). */
function tableRows(text) {
  const rows = text.split('\n').filter((line) => line.startsWith('|'));
  return rows.slice(2).map((line) =>
    line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, '|')),
  );
}

/** Text outside tables (prose around a table), paragraphs joined. */
function prose(text) {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('|') && !line.startsWith('<!--'))
    .join('\n')
    .trim();
}

/**
 * The first example of the command itself (not a set-up step with another command): the request,
 * the reply expected after it, and the heading of the section it is in.
 */
function firstExample(text, name) {
  const blocks = /```(?:json|text) request[^\n]*\n([\s\S]*?)\n```/g;
  for (let block = blocks.exec(text); block !== null; block = blocks.exec(text)) {
    if (!block[1].includes(`"${name}"`)) continue;
    const headings = [...text.slice(0, block.index).matchAll(/^### (.+)$/gm)];
    const after = text.slice(block.index + block[0].length).trimStart();
    const reply = /^```json response[^\n]*\n([\s\S]*?)\n```/.exec(after);
    return {
      title: headings.length > 0 ? headings[headings.length - 1][1].trim() : 'Example',
      request: block[1].trim(),
      response: reply ? reply[1].trim() : undefined,
    };
  }
  return undefined;
}

const docs = {};
for (const file of readdirSync(docsDir).sort()) {
  if (!/^(sh|kv|sv)-.*\.md$/.test(file)) continue;
  const { title, sections: parts } = sections(readFileSync(docsDir + file, 'utf8'));
  const [name, summary = ''] = title.split(/\s+—\s+/);
  const request = parts.get('Request') ?? '';
  docs[name] = {
    page: `docs/commands/${file}`,
    summary,
    description: prose(parts.get('') ?? ''),
    parameters: tableRows(request).map(([field, type, required, meaning]) => ({ field, type, required, meaning })),
    requestNotes: prose(request),
    response: prose(parts.get('Response') ?? ''),
    statuses: tableRows(parts.get('Statuses') ?? '').map(([st, name, when]) => ({ st: Number(st), name, when })),
    example: firstExample(parts.get('Examples') ?? '', name),
  };
}

mkdirSync(new URL('.', `file://${outFile}`), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(docs, null, 2)}\n`);
console.log(`bundle-docs: ${Object.keys(docs).length} command pages → ${outFile}`);
