import { describe, expect, it } from 'vitest';
import { problemLines, procfsFixture, samplesOf } from '../../../test/support/collection-lookup.js';
import { CollectionBuilder } from './collection-builder.js';
import { emitOsRelease } from './os-release.js';

function run(text: string) {
  const out = new CollectionBuilder();
  emitOsRelease(text, 'etc/os-release', out);
  return out.build();
}

describe('emitOsRelease', () => {
  it('labels node_os_info with every os-release field node-exporter uses, empty when absent', () => {
    const c = run(procfsFixture('host/root/etc/os-release'));
    expect(samplesOf(c, 'node_os_info')[0]?.labels).toEqual({
      __name__: 'node_os_info',
      build_id: '',
      id: 'ubuntu',
      id_like: 'debian',
      image_id: '',
      image_version: '',
      name: 'Ubuntu',
      pretty_name: 'Ubuntu 22.04.4 LTS',
      variant: '',
      variant_id: '',
      version: '22.04.4 LTS (Jammy Jellyfish)',
      version_codename: 'jammy',
      version_id: '22.04',
    });
    expect(samplesOf(c, 'node_os_version')).toEqual([
      { labels: { __name__: 'node_os_version', id: 'ubuntu', id_like: 'debian', name: 'Ubuntu' }, value: 22.04 },
    ]);
    expect(c.problems).toEqual([]);
  });

  it('keeps only major.minor and unquotes shell escapes', () => {
    const c = run('NAME="A \\"quoted\\" OS"\nVERSION_ID=3.18.4\n');
    expect(samplesOf(c, 'node_os_version')[0]?.value).toBe(3.18);
    expect(samplesOf(c, 'node_os_info')[0]?.labels.name).toBe('A "quoted" OS');
  });

  it('names lines that are not assignments', () => {
    expect(problemLines(run('ID=x\nnot an assignment\n'))).toEqual([
      'etc/os-release:2: expected KEY=value, got "not an assignment"',
    ]);
  });
});
