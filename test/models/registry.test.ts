import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertLicenseAccepted } from '../../src/models/license-gate.ts';
import { parseHash } from '../../src/models/model-store.ts';
import { findRegistryEntry, getRegistryEntry, REGISTRY } from '../../src/models/registry.ts';
import { validateModelSpec } from '../../src/segment/validate-model-spec.ts';

const REQUIRED = [
  'u2net',
  'u2netp',
  'u2net_human_seg',
  'silueta',
  'isnet-general-use',
  'isnet-anime',
  'birefnet-general',
  'birefnet-general-lite',
  'birefnet-portrait',
  'birefnet-dis',
  'birefnet-hrsod',
  'birefnet-cod',
  'birefnet-massive',
  'bria-rmbg-2.0',
  'modnet',
  'mediapipe-selfie',
  'sinet',
];

test('the registry has every model the issue asks for, each id once', () => {
  const ids = REGISTRY.map((e) => e.id);
  assert.deepEqual(new Set(ids).size, ids.length);
  for (const id of REQUIRED) assert.ok(findRegistryEntry(id), `missing ${id}`);
});

test('every entry has a licence, a source for its facts, an https URL and a well-formed hash or a note', () => {
  for (const entry of REGISTRY) {
    assert.match(entry.license, /^[A-Za-z0-9.-]+$/, entry.id);
    assert.match(entry.licenseUrl, /^https:\/\//, entry.id);
    assert.equal(typeof entry.commercial, 'boolean', entry.id);
    assert.match(entry.download.url, /^https:\/\//, entry.id);
    assert.ok(entry.sources.length > 0, `${entry.id} cites its sources`);
    assert.ok(entry.citation.length > 10, `${entry.id} has a citation`);
    if (entry.download.hash === null || entry.download.size === null) {
      assert.ok(
        entry.notes?.some((n) => /not published|publishes no/i.test(n)),
        `${entry.id} says what is not published`,
      );
    }
    if (entry.download.hash !== null) parseHash(entry.download.hash);
  }
});

test('hashes are the published ones (spot checks against rembg and Hugging Face)', () => {
  assert.equal(getRegistryEntry('u2net').download.hash, 'md5:60024c5c889badc19c04ad937298a77b');
  assert.equal(getRegistryEntry('isnet-general-use').download.hash, 'md5:fc16ebd8b0c10d971d3513d564d01e29');
  assert.equal(getRegistryEntry('birefnet-massive').download.hash, 'md5:33e726a2136a3d59eb0fdf613e31e3e9');
  assert.equal(
    getRegistryEntry('bria-rmbg-2.0').download.hash,
    'sha256:5b486f08200f513f460da46dd701db5fbb47d79b4be4b708a19444bcd4e79958',
  );
});

test('each entry is a valid model spec: it survives the same validation a user spec gets', () => {
  for (const entry of REGISTRY) {
    const { size } = entry.input;
    const json = {
      id: entry.id,
      input: {
        ...entry.input,
        size:
          size.kind === 'fixed'
            ? [size.width, size.height]
            : { shortEdge: size.shortEdge, multiple: size.multiple },
      },
      output: entry.output,
    };
    const spec = validateModelSpec(JSON.parse(JSON.stringify(json)));
    assert.deepEqual(
      spec.input,
      { ...entry.input, mean: [...entry.input.mean], std: [...entry.input.std] },
      entry.id,
    );
    assert.deepEqual(spec.output, entry.output, entry.id);
  }
});

test('processing facts for the families', () => {
  const u2 = getRegistryEntry('u2net');
  assert.deepEqual(
    [u2.input.scaling, u2.input.size, u2.output.minMax],
    ['max', { kind: 'fixed', width: 320, height: 320 }, true],
  );
  assert.deepEqual(getRegistryEntry('isnet-anime').input.std, [1, 1, 1]);
  assert.equal(getRegistryEntry('birefnet-portrait').output.activation, 'sigmoid');
  assert.deepEqual(getRegistryEntry('modnet').input.size, { kind: 'dynamic', shortEdge: 512, multiple: 32 });
  assert.equal(getRegistryEntry('mediapipe-selfie').input.layout, 'NHWC');
  const sinet = getRegistryEntry('sinet');
  assert.deepEqual([sinet.input.channelOrder, sinet.input.scaling, sinet.output.channel], ['BGR', 'byte', 1]);
});

test('the non-commercial model is refused unless its licence is accepted by id', () => {
  const bria = getRegistryEntry('bria-rmbg-2.0');
  assert.equal(bria.commercial, false);
  assert.throws(() => assertLicenseAccepted(bria), {
    code: 'CUTOUT_E_LICENSE_REQUIRED',
    message: /CC-BY-NC-4.0.*--accept-license bria-rmbg-2.0/,
  });
  assert.throws(() => assertLicenseAccepted(bria, ['u2net']), { code: 'CUTOUT_E_LICENSE_REQUIRED' });
  assertLicenseAccepted(bria, ['bria-rmbg-2.0']);
  assertLicenseAccepted(getRegistryEntry('u2net'));
  assert.deepEqual(
    REGISTRY.filter((e) => !e.commercial).map((e) => e.id),
    ['bria-rmbg-2.0'],
  );
});

test('an unknown id is a clear error listing the known ones', () => {
  assert.throws(
    () => getRegistryEntry('u2'),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CUTOUT_E_MODEL_UNKNOWN');
      assert.match(error.message, /unknown model 'u2'\. Did you mean u2net or u2netp or u2net_human_seg\?/);
      assert.match(error.message, /Known models: u2net, .*sinet/);
      return true;
    },
  );
});
