import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadTf } from '../../server/src/model/backend';
import { decodeWeights, encodeWeights, loadModelFiles, manifestFor, saveModel } from '../../server/src/model/modelFiles';
import { XanesNetwork } from '../../server/src/model/network';
import { randomWeights, SMALL_CONFIG, smallDraft, tempDir, writeSmallModel } from '../fixtures/models/fixtures';

test('save/load round trip is bit-exact for every member', async () => {
  const { tf } = await loadTf('cpu');
  const members = [randomWeights(tf, SMALL_CONFIG, 1), randomWeights(tf, SMALL_CONFIG, 2)];
  // Values float32 must keep exactly, including tiny, huge and negative zero.
  members[0][0].data[0] = 1.401298464324817e-45;
  members[0][0].data[1] = -0;
  members[0][0].data[2] = 3.4028234663852886e38;
  const dir = tempDir();
  const meta = saveModel(dir, smallDraft(), members);
  assert.deepEqual(meta.weights.members, ['weights.bin', 'weights-1.bin']);
  const loaded = loadModelFiles(dir);
  assert.equal(loaded.members.length, 2);
  loaded.members.forEach((ws, m) => ws.forEach((w, i) => {
    assert.equal(w.name, members[m][i].name);
    assert.deepEqual(w.shape, members[m][i].shape);
    assert.deepEqual(Buffer.from(w.data.buffer), Buffer.from(members[m][i].data.buffer), w.name);
  }));
  assert.ok(Object.is(loaded.members[0][0].data[1], -0));
  // A network given the loaded weights returns them unchanged.
  const net = new XanesNetwork(tf, loaded.metadata.network);
  net.setWeights(loaded.members[1]);
  net.getWeights().forEach((w, i) => assert.deepEqual(Buffer.from(w.data.buffer), Buffer.from(members[1][i].data.buffer)));
  net.dispose();
  const size = fs.statSync(path.join(dir, 'weights.bin')).size;
  assert.equal(size, 4 * members[0].reduce((n, w) => n + w.data.length, 0));
  fs.rmSync(dir, { recursive: true });
});

test('weights files are float32 little-endian, concatenated in manifest order', () => {
  const ws = [{ name: 'a', shape: [2], data: new Float32Array([1, -2]) }, { name: 'b', shape: [1, 1], data: new Float32Array([0.5]) }];
  const buf = encodeWeights(ws);
  assert.deepEqual([...buf], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x3f]);
  assert.deepEqual(manifestFor(ws).map((e) => e.offset), [0, 8]);
  assert.deepEqual(Array.from(decodeWeights(buf, manifestFor(ws), 'x')[1].data), [0.5]);
});

test('corrupted or mismatched model files are reported clearly', async () => {
  const { tf } = await loadTf('cpu');
  const dir = writeSmallModel(tf);
  const weights = path.join(dir, 'weights.bin');
  const metaFile = path.join(dir, 'metadata.json');
  const original = fs.readFileSync(weights);
  const meta = fs.readFileSync(metaFile, 'utf8');

  fs.writeFileSync(weights, original.subarray(0, original.length - 4));
  assert.throws(() => loadModelFiles(dir), /weights\.bin: \d+ bytes, the manifest describes \d+ \(truncated/);

  const nan = Buffer.from(original);
  nan.writeFloatLE(Number.NaN, 8);
  fs.writeFileSync(weights, nan);
  assert.throws(() => loadModelFiles(dir), /non-finite value at index 2 \(corrupted file\)/);
  fs.writeFileSync(weights, original);

  const edit = (f: (m: Record<string, unknown>) => void): void => {
    const m = JSON.parse(meta) as Record<string, unknown>;
    f(m);
    fs.writeFileSync(metaFile, JSON.stringify(m));
  };
  edit((m) => { m.formatVersion = 7; });
  assert.throws(() => loadModelFiles(dir), /model format version 7 is not supported/);
  edit((m) => { m.featureVersion = 'onehot-v0'; });
  assert.throws(() => loadModelFiles(dir), /trained on features 'onehot-v0'/);
  edit((m) => { (m.domains as { energies: number[] }[])[0].energies.pop(); });
  assert.throws(() => loadModelFiles(dir), /domain 'Fe-K-FEFF' has 6 energies but head 0 outputs 7 points/);
  fs.writeFileSync(metaFile, '{"format": ');
  assert.throws(() => loadModelFiles(dir), /metadata\.json: not valid JSON/);
  fs.rmSync(metaFile);
  assert.throws(() => loadModelFiles(dir), /no model at .*metadata\.json \(ENOENT\)/);
  fs.writeFileSync(metaFile, meta);
  fs.rmSync(weights);
  assert.throws(() => loadModelFiles(dir), /weights\.bin: cannot read weights \(ENOENT\)/);
  fs.rmSync(dir, { recursive: true });
});

test('weights that do not fit the network are refused by name', async () => {
  const { tf } = await loadTf('cpu');
  const net = new XanesNetwork(tf, SMALL_CONFIG);
  const ws = net.getWeights();
  assert.throws(() => net.setWeights(ws.slice(1)), /weights lack parameter 'conv0\.edge\.kernel'/);
  const wrong = ws.map((w, i) => (i === 0 ? { ...w, shape: [w.shape[1], w.shape[0]] } : w));
  assert.throws(() => net.setWeights(wrong), /parameter 'conv0\.edge\.kernel' has shape \[118,9\] but the network expects \[9,118\]/);
  assert.throws(() => net.setWeights([...ws, { name: 'extra', shape: [1], data: new Float32Array(1) }]), /does not have: extra/);
  assert.throws(() => saveModel(tempDir(), smallDraft(), [ws, ws.slice(1)]), /member 1 has different parameters/);
  net.dispose();
});
