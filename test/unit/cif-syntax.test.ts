import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexCif } from '../../server/src/cif/lexer';
import { parseCif, column, scalar, rowRange } from '../../server/src/cif/parser';
import { parseMeasured } from '../../server/src/cif/numbers';

test('numbers with standard uncertainties', () => {
  assert.deepEqual(parseMeasured('1.2345(6)'), { value: 1.2345, su: 0.0006 });
  assert.deepEqual(parseMeasured('123(4)'), { value: 123, su: 4 });
  assert.deepEqual(parseMeasured('-0.25'), { value: -0.25 });
  assert.deepEqual(parseMeasured('.5'), { value: 0.5 });
  const e = parseMeasured('1.2e3(2)');
  assert.equal(e?.value, 1200);
  assert.ok(Math.abs((e?.su ?? 0) - 200) < 1e-9);
  assert.ok(Math.abs((parseMeasured('4.594(1)')?.su ?? 0) - 0.001) < 1e-15);
  assert.equal(parseMeasured('?'), undefined);
  assert.equal(parseMeasured('1.2(3'), undefined);
  assert.equal(parseMeasured('abc'), undefined);
  assert.equal(parseMeasured('1.2.3'), undefined);
});

test('CIF 1.1 quote rule: a quote closes only before whitespace', () => {
  const { tokens, diagnostics } = lexCif("data_x\n_a 'O'Brien's sample' _b \"a \"b\"c\"\n");
  assert.equal(diagnostics.length, 0);
  const values = tokens.filter((t) => t.kind === 'value');
  assert.equal(values[0].text, "O'Brien's sample");
  assert.equal(values[1].text, 'a "b"c');
  assert.deepEqual([values[0].sl, values[0].sc, values[0].el, values[0].ec], [1, 3, 1, 21]);
});

test('text fields, comments, keywords are case-insensitive, tags too', () => {
  const text = 'DATA_Blk\n_Title\n;\nline one\n  line two\n;\n# comment _not_a_tag\nLOOP_\n_Atom_Site_Label\nA1 A2\n';
  const doc = parseCif(text);
  assert.equal(doc.diagnostics.length, 0);
  assert.equal(doc.blocks[0].name, 'Blk');
  const title = scalar(doc.blocks[0], '_title');
  assert.equal(title?.text, '\nline one\n  line two');
  assert.deepEqual(title?.range, { start: { line: 2, character: 0 }, end: { line: 5, character: 1 } });
  assert.deepEqual(column(doc.blocks[0], '_atom_site_label')?.map((v) => v.text), ['A1', 'A2']);
  assert.deepEqual(doc.textFields, [{ startLine: 2, endLine: 5 }]);
});

test('CRLF, BOM and tabs keep exact positions', () => {
  const text = '\uFEFFdata_x\r\n_cell_length_a\t5.0(1)\r\nloop_\r\n_atom_site_label\r\n\tFe1\r\n';
  const doc = parseCif(text);
  assert.equal(doc.diagnostics.length, 0);
  const a = scalar(doc.blocks[0], '_cell_length_a');
  assert.equal(a?.text, '5.0(1)');
  assert.deepEqual(a?.range, { start: { line: 1, character: 15 }, end: { line: 1, character: 21 } });
  const fe = column(doc.blocks[0], '_atom_site_label')?.[0];
  assert.deepEqual(fe?.range, { start: { line: 4, character: 1 }, end: { line: 4, character: 4 } });
  // CRLF inside a text field is one line break, and the closing ';' is found after it.
  const tf = parseCif('data_y\r\n_t\r\n;\r\nabc\r\n;\r\n_u 1\r\n');
  assert.equal(tf.diagnostics.length, 0);
  assert.equal(scalar(tf.blocks[0], '_t')?.text, '\r\nabc');
  assert.equal(scalar(tf.blocks[0], '_u')?.text, '1');
});

test('multiple blocks, save frames, global_ and DDL2 dotted tags', () => {
  const doc = parseCif('global_\n_g 1\ndata_a\n_x 1\nsave_frame1\n_y 2\nsave_\n_z 3\ndata_b\n_atom_site.fract_x 0.5\n');
  assert.equal(doc.diagnostics.length, 0);
  assert.deepEqual(doc.blocks.map((b) => `${b.kind}:${b.name}`), ['global:', 'data:a', 'data:b']);
  const a = doc.blocks[1];
  assert.equal(a.frames.length, 1);
  assert.equal(scalar(a.frames[0], '_y')?.text, '2');
  assert.equal(scalar(a, '_y'), undefined);
  assert.equal(scalar(a, '_z')?.text, '3');
  assert.deepEqual(a.range, { start: { line: 2, character: 0 }, end: { line: 7, character: 4 } });
  assert.equal(scalar(doc.blocks[2], '_atom_site_fract_x')?.text, '0.5');
});

test('loop rows have ranges; wrong value count is a diagnostic on the partial row', () => {
  const doc = parseCif('data_x\nloop_\n_a\n_b\n1 2\n3 4\n5\n');
  const loop = doc.blocks[0].loops[0];
  assert.equal(loop.rowCount, 2);
  assert.deepEqual(rowRange(loop, 1), { start: { line: 5, character: 0 }, end: { line: 5, character: 3 } });
  assert.equal(doc.diagnostics.length, 1);
  assert.equal(doc.diagnostics[0].code, 'cif.loopCount');
  assert.deepEqual(doc.diagnostics[0].range, { start: { line: 6, character: 0 }, end: { line: 6, character: 1 } });
});

test('syntax errors: unbalanced quote, unterminated text field, tag without value, orphan value', () => {
  const q = parseCif("data_x\n_a 'open\n_b 2\n");
  assert.equal(q.diagnostics[0].code, 'cif.syntax');
  assert.match(q.diagnostics[0].message, /Unbalanced quote/);
  assert.deepEqual(q.diagnostics[0].range, { start: { line: 1, character: 3 }, end: { line: 1, character: 8 } });
  assert.equal(scalar(q.blocks[0], '_b')?.text, '2');
  const t = parseCif('data_x\n_a\n;\nnever closed\n_b 2\n');
  assert.match(t.diagnostics[0].message, /Unterminated text field/);
  assert.equal(t.diagnostics[0].range.start.line, 2);
  const v = parseCif('data_x\n_a\n_b 2\nstray\n');
  assert.deepEqual(v.diagnostics.map((d) => d.message.slice(0, 20)), ['Data name _a has no ', "Value 'stray' has no"]);
  const dup = parseCif('data_x\n_a 1\n_A 2\n');
  assert.equal(dup.diagnostics[0].code, 'cif.duplicateTag');
  assert.equal(scalar(dup.blocks[0], '_a')?.text, '1');
});

test('CIF 2.0: triple quotes, lists, tables, quotes close at the next quote', () => {
  const text = "#\\#CIF_2.0\ndata_x\n_t '''a\nb'''\n_l [1 [2 3] 'x y']\n_m {'k':1 \"v\":[4]}\n_q 'it''s'\n";
  const doc = parseCif(text);
  assert.equal(doc.cif2, true);
  const b = doc.blocks[0];
  assert.equal(scalar(b, '_t')?.text, 'a\nb');
  const l = scalar(b, '_l');
  assert.equal(l?.kind, 'list');
  assert.deepEqual(l?.items?.map((i) => i.text), ['1', '[2 3]', 'x y']);
  assert.deepEqual(l?.range, { start: { line: 4, character: 3 }, end: { line: 4, character: 18 } });
  const m = scalar(b, '_m');
  assert.deepEqual(m?.entries?.map((e) => [e.key, e.value.text]), [['k', '1'], ['v', '[4]']]);
  // CIF2 has no "quote followed by whitespace" rule: 'it' closes, and 's' is a stray second value.
  assert.equal(scalar(b, '_q')?.text, 'it');
  assert.deepEqual(doc.diagnostics.map((d) => d.message), ["Value 's' has no data name before it"]);
});

test('CIF2 syntax in a CIF 1 file gets a clear diagnostic', () => {
  const doc = parseCif('data_x\n_l [1,2]\n');
  assert.equal(doc.diagnostics[0].code, 'cif2.unsupported');
  assert.deepEqual(doc.diagnostics[0].range, { start: { line: 1, character: 3 }, end: { line: 1, character: 8 } });
});
