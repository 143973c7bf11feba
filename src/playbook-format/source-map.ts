import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/** A place in a playbook file: a path of keys and indexes, the key itself when `atKey`. */
export type FilePath = readonly (string | number)[];

/** What is wrong, where in the data, and what to do about it. */
export interface Problem {
  path: FilePath;
  message: string;
  hint?: string;
  /** Point at the key of the last path segment rather than its value (an unknown key, a duplicate). */
  atKey?: boolean;
}

/** A problem at its line and column (1-based) in a file. */
export interface LocatedProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export const formatProblem = (p: LocatedProblem): string =>
  `${p.file}:${p.line}:${p.column}: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}`;

/** A parsed YAML file that can say where any path of its data is. */
export interface SourceFile {
  name: string;
  text: string;
  document: Document.Parsed;
  /** The problems of the YAML itself (syntax, duplicate keys), located. */
  syntaxProblems: LocatedProblem[];
  locate: (problem: Problem) => LocatedProblem;
}

/** The YAML parser's own limits: aliases expand at most this often (an alias bomb is refused, not expanded). */
const maxAliasCount = 100;

export function parseSource(name: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntaxProblems = [...document.errors].map((error) => ({
    file: name,
    ...at(error.pos[0]),
    message: error.message.split('\n')[0]!,
    hint:
      error.code === 'DUPLICATE_KEY'
        ? 'each id appears once in its mapping: rename or merge the two entries'
        : 'fix the YAML syntax here (indentation, a missing colon, an unclosed quote)',
  }));
  const locate = (problem: Problem): LocatedProblem => ({
    file: name,
    ...at(offsetOf(document, problem.path, problem.atKey ?? false)),
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  });
  return { name, text, document, syntaxProblems, locate };
}

/** The data of a parsed file, aliases expanded within limits. */
export const dataOf = (source: SourceFile): unknown => source.document.toJS({ maxAliasCount });

/** The offset of the deepest node on `path` (the start of the file when none of it is there). */
function offsetOf(document: Document.Parsed, path: FilePath, atKey: boolean): number {
  let node: unknown = document.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String((item.key as { value?: unknown })?.value) === String(segment),
      );
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (last && atKey && keyNode?.range) return keyNode.range[0];
      node = pair.value;
      offset = (node as Node | null)?.range?.[0] ?? keyNode?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (!node) break;
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  return offset;
}
