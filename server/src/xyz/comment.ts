// Extended-XYZ comment line: key=value pairs, values bare or "double quoted" (\" escapes), bare
// keys are boolean flags. Keys are matched case-insensitively.
export interface CommentField {
  key: string;
  value: string;
  /** Character offsets of the value within the line. */
  start: number;
  end: number;
}

export function parseCommentFields(line: string): Map<string, CommentField> {
  const out = new Map<string, CommentField>();
  const n = line.length;
  let i = 0;
  const ws = (c: string): boolean => c === ' ' || c === '\t' || c === '\r';
  while (i < n) {
    while (i < n && ws(line[i])) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && !ws(line[i]) && line[i] !== '=') i++;
    const key = line.slice(keyStart, i);
    let j = i;
    while (j < n && ws(line[j])) j++;
    if (line[j] !== '=') {
      if (key) out.set(key.toLowerCase(), { key, value: 'T', start: keyStart, end: i });
      continue;
    }
    i = j + 1;
    while (i < n && ws(line[i])) i++;
    let value = '';
    const start = i;
    if (line[i] === '"' || line[i] === "'") {
      const q = line[i++];
      while (i < n && line[i] !== q) {
        if (line[i] === '\\' && i + 1 < n) i++;
        value += line[i++];
      }
      i++;
    } else {
      while (i < n && !ws(line[i])) value += line[i++];
    }
    if (key) out.set(key.toLowerCase(), { key, value, start, end: Math.min(i, n) });
  }
  return out;
}

export interface Columns {
  species: number;
  pos: number;
  /** Total number of columns the Properties declare. */
  width: number;
}

const MAX_COLUMNS = 10000;

/** Column layout from Properties=species:S:1:pos:R:3:...; undefined when species or pos is missing. */
export function parseProperties(spec: string): Columns | string {
  const parts = spec.split(':');
  if (parts.length % 3 !== 0) return `Properties '${spec}' is not a list of name:type:count triples`;
  let col = 0;
  let species = -1;
  let pos = -1;
  for (let k = 0; k < parts.length; k += 3) {
    const name = parts[k].toLowerCase();
    const count = Number(parts[k + 2]);
    // A column count is small; 1e23 would make every line "too short" and the column arrays absurd.
    if (!Number.isInteger(count) || count < 1 || count > MAX_COLUMNS) return `Properties entry '${parts[k]}' has a bad column count '${parts[k + 2]}'`;
    if (name === 'species' || (name === 'z' && species < 0 && parts[k + 1].toUpperCase() === 'I')) species = col;
    if (name === 'pos' && count === 3) pos = col;
    col += count;
  }
  if (species < 0) return `Properties '${spec}' has no species column`;
  if (pos < 0) return `Properties '${spec}' has no pos:R:3 columns`;
  return { species, pos, width: col };
}
