// package.json against the extension's sources: every contributed command is registered at
// activation and every registered command is contributed (a command missing from either side is
// either dead in the palette or invisible to users), and the menus, activation events and
// settings name things that exist. Read as text: the client imports vscode, which node lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lsp/lspClient';
import { SHIPPED_MODEL } from '../fixtures/models/fixtures';
import { documentFormat } from '../../server/src/lsp/documentCache';
import { formatFromPath } from '../../server/src/parse';

interface Contributes {
  commands: { command: string; title: string; category?: string }[];
  languages: { id: string; extensions?: string[]; filenames?: string[]; filenamePatterns?: string[] }[];
  grammars: { language: string; scopeName: string; path: string }[];
  menus?: Record<string, { command: string; when?: string }[]>;
  configuration: { properties: Record<string, { type: string | string[]; enum?: unknown[]; default?: unknown }> };
}
interface Manifest { activationEvents: string[]; contributes: Contributes }

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const clientSources = sourceFiles(path.join(ROOT, 'client/src')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const allClientText = clientSources.map((s) => s.text).join('\n');

/** A registerCommand argument: a string literal, a `const NAME = '…'`, or `OBJ.key` of a const object. */
function resolveCommandId(expr: string): string {
  const literal = /^'([^']+)'$/.exec(expr);
  if (literal) return literal[1];
  const member = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(expr);
  if (member) {
    const obj = new RegExp(`const ${member[1]} = \\{([^}]*)\\}`).exec(allClientText);
    const key = obj && new RegExp(`\\b${member[2]}: '([^']+)'`).exec(obj[1]);
    if (key) return key[1];
  }
  const constant = new RegExp(`const ${expr} = '([^']+)'`).exec(allClientText);
  if (constant) return constant[1];
  throw new Error(`cannot resolve the command id ${expr}`);
}

function registeredCommands(): Set<string> {
  const ids = new Set<string>();
  for (const { text } of clientSources) {
    for (const m of text.matchAll(/registerCommand\(\s*([^,\s]+)\s*,/g)) ids.add(resolveCommandId(m[1]));
  }
  return ids;
}

test('the source scan finds the commands it must (guards the scan itself)', () => {
  const ids = registeredCommands();
  for (const id of ['xanes.predictSite', 'xanes.showOutput', 'xanes.trainModel', 'xanes.clearAttention', 'xanes.revealInPanel']) {
    assert.ok(ids.has(id), `${id} not found by the scan; found ${[...ids].join(', ')}`);
  }
  assert.ok(ids.size >= 14, `only ${ids.size} commands found`);
});

test('every contributed command is registered in code, and every registered command is contributed', () => {
  const registered = registeredCommands();
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  assert.equal(contributed.size, manifest.contributes.commands.length, 'a command is contributed twice');
  assert.deepEqual([...contributed].filter((c) => !registered.has(c)), [], 'contributed but never registered');
  assert.deepEqual([...registered].filter((c) => !contributed.has(c)), [], 'registered but missing from package.json');
  for (const c of manifest.contributes.commands) {
    assert.equal(c.category, 'XANES', `${c.command} shows as "XANES: ${c.title}" in the palette`);
    assert.ok(c.title.length > 0);
  }
});

test('the training commands carry the titles users look for in the palette', () => {
  const titles = new Map(manifest.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
  assert.equal(titles.get(resolveCommandId('TRAINING_COMMANDS.train')), 'XANES: Train Model…');
  assert.equal(titles.get(resolveCommandId('TRAINING_COMMANDS.evaluate')), 'XANES: Evaluate Model…');
  assert.equal(titles.get(resolveCommandId('TRAINING_COMMANDS.finetune')), 'XANES: Fine-tune on Experimental Spectra…');
});

test('extension.ts registers every group of commands at activation', () => {
  const ext = readFileSync(path.join(ROOT, 'client/src/extension.ts'), 'utf8');
  const sink = readFileSync(path.join(ROOT, 'client/src/resultSink.ts'), 'utf8');
  assert.match(ext, /registerCommands\(ctx\)/);
  assert.match(ext, /registerTrainingCommands\(extension, output\)/);
  assert.match(ext, /createResultSink\(/);
  // The panel and decorations register their commands when the result sink is created.
  assert.match(sink, /registerSpectrumPanel\(context\)/);
  assert.match(sink, /registerAttentionDecorations\(context\)/);
});

test('menus name contributed commands; revealInPanel is hidden from the palette; measured files get the overlay', () => {
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  const menus = manifest.contributes.menus ?? {};
  for (const [where, items] of Object.entries(menus)) for (const i of items) assert.ok(contributed.has(i.command), `${where}: ${i.command}`);
  assert.deepEqual(menus.commandPalette?.find((i) => i.command === 'xanes.revealInPanel'), { command: 'xanes.revealInPanel', when: 'false' });
  const explorer = menus['explorer/context']?.find((i) => i.command === 'xanes.loadExperimental');
  assert.ok(explorer?.when, 'explorer context menu entry for measured spectra');
  const re = /resourceExtname =~ \/(.*)\/(i?)$/.exec(explorer.when);
  assert.ok(re, explorer.when);
  const when = new RegExp(re[1], re[2]);
  for (const ext of ['.xdi', '.dat', '.xmu', '.csv', '.txt', '.prj', '.XDI']) assert.ok(when.test(ext), ext);
  for (const ext of ['.cif', '.xyz', '.json', '.xdi.bak']) assert.ok(!when.test(ext), ext);
});

test('the panel view type has an activation event, so a restored panel finds its serializer', () => {
  const panel = readFileSync(path.join(ROOT, 'client/src/panel/index.ts'), 'utf8');
  const viewType = /SPECTRUM_VIEW_TYPE = '([^']+)'/.exec(panel)?.[1];
  assert.equal(viewType, 'xanesLens.spectrum');
  assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${viewType}`));
  assert.ok(manifest.activationEvents.includes('onLanguage:cif') && manifest.activationEvents.includes('onLanguage:xyz'));
});

test('xanes.attentionHead: "mean" or a head number, default mean, read by the decorations', () => {
  const p = manifest.contributes.configuration.properties['xanes.attentionHead'];
  assert.deepEqual(p.type, ['string', 'number']);
  // Heads 1–3 of the graph attention; 4 exists in the neighbour transformer only.
  assert.deepEqual(p.enum, ['mean', 1, 2, 3, 4]);
  assert.equal((p as { enumDescriptions?: unknown[] }).enumDescriptions?.length, p.enum.length);
  assert.equal(p.default, 'mean');
  const used = new Set([...allClientText.matchAll(/getConfiguration\('xanes'\)\.(?:get|update)(?:<[^>]*>)?\('([^']+)'/g)].map((m) => `xanes.${m[1]}`));
  for (const key of used) assert.ok(key in manifest.contributes.configuration.properties, `${key} is read in code but not contributed`);
  assert.ok(used.has('xanes.attentionHead') && used.has('xanes.modelPath'));
});

test('.vscodeignore ships the model the extension loads (the newest) and no other', () => {
  const lines = readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim());
  // vsce: a negated pattern wins over every exclusion, so only the named model directory goes in.
  const included = lines.filter((l) => l.startsWith('!models/'));
  assert.deepEqual(included, [`!models/${path.basename(SHIPPED_MODEL)}/**`]);
});

test('xanes.highlightBy: "attention", "sensitivity" or "transformer", default attention, read by the decorations; its command is contributed', () => {
  const p = manifest.contributes.configuration.properties['xanes.highlightBy'];
  assert.equal(p.type, 'string');
  assert.deepEqual(p.enum, ['attention', 'sensitivity', 'transformer']);
  assert.equal(p.default, 'attention');
  const decorations = readFileSync(path.join(ROOT, 'client/src/decorations/index.ts'), 'utf8');
  assert.match(decorations, /getConfiguration\('xanes'\)\.get<unknown>\('highlightBy', 'attention'\)/);
  assert.match(decorations, /affectsConfiguration\('xanes\.highlightBy'\)/);
  assert.ok(manifest.contributes.commands.some((c) => c.command === 'xanes.selectHighlight'));
});

test('every structure language is contributed with its grammar and activation event, served by the client and read by the server', () => {
  const listed = /STRUCTURE_LANGUAGES = \[([^\]]*)\]/.exec(readFileSync(path.join(ROOT, 'client/src/languageClient.ts'), 'utf8'));
  assert.ok(listed, 'STRUCTURE_LANGUAGES not found in client/src/languageClient.ts');
  const clientLanguages = [...listed[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
  const languages = manifest.contributes.languages;
  assert.deepEqual(languages.map((l) => l.id), clientLanguages);
  assert.ok(clientLanguages.includes('poscar'));
  for (const lang of languages) {
    assert.ok(manifest.activationEvents.includes(`onLanguage:${lang.id}`), `onLanguage:${lang.id}`);
    const grammar = manifest.contributes.grammars.find((g) => g.language === lang.id);
    assert.ok(grammar, `no grammar for ${lang.id}`);
    const tm = JSON.parse(readFileSync(path.join(ROOT, grammar.path), 'utf8')) as { scopeName: string };
    assert.equal(tm.scopeName, grammar.scopeName);
    // The server reads what the client sends under this id, and the CLI picks the same format by file name.
    assert.equal(documentFormat({ languageId: lang.id, uri: 'untitled:x' }), lang.id);
    for (const ext of lang.extensions ?? []) assert.equal(formatFromPath(`structure${ext}`), lang.id, ext);
    for (const name of lang.filenames ?? []) assert.equal(formatFromPath(`/run/${name}`), lang.id, name);
  }
  // Patterns win over extensions in VS Code: none may swallow a script or another format's file.
  const patterns = languages.flatMap((l) => l.filenamePatterns ?? []);
  assert.ok(patterns.length > 0);
  const glob = (p: string): RegExp => new RegExp(`^${p.replace(/[.+^$()|{}]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  for (const name of ['poscar_tools.py', 'POSCAR.cif', 'CONTCAR.xyz', 'poscar.json']) {
    assert.ok(!patterns.some((p) => glob(p).test(name)), `${name} would open as a structure language`);
  }
  for (const name of ['CONTCAR.1', 'POSCAR2']) assert.ok(patterns.some((p) => glob(p).test(name)), name);
});
