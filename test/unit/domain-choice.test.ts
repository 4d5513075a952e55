import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHIPPED_MODEL } from '../fixtures/models/fixtures';
import path from 'node:path';
import { readMetadata } from '../../server/src/model/modelFiles';
import { defaultDomain } from '../../server/src/model/predictor';

const shipped = SHIPPED_MODEL;

test('crystals get the FEFF domain, molecules the FDMNES one, else any domain of the element', () => {
  const metadata = readMetadata(shipped);
  assert.equal(defaultDomain(metadata, 'Fe', true)?.id, 'Fe-K-FEFF');
  assert.equal(defaultDomain(metadata, 'Fe', false)?.id, 'Fe-K-FDMNES');
  assert.equal(defaultDomain(metadata, 'Cu', false)?.id, 'Cu-K-FEFF');
  assert.equal(defaultDomain(metadata, 'Ti', true)?.id, 'Ti-K-FDMNES-rel');
  assert.equal(defaultDomain(metadata, 'Zn', true), undefined);
});
