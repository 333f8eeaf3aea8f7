import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBlkioThrottle, parseIoStat } from './block-io.js';
import type { BlockIo } from './block-io.js';
import { parseFlatKeyed } from './flat-keyed.js';
import { parseCgroupMounts } from './mountinfo.js';
import { parsePressure } from './pressure.js';
import { parseCpuMax, parseSingleValue } from './single-value.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SAMPLES = path.resolve(repoRoot, '../shared/fixtures/cgroups/samples');
const sample = (rel: string): string => readFileSync(path.join(SAMPLES, rel), 'utf8');

describe('io.stat', () => {
  it('gives the stats of a multi-device line to the last device before them', () => {
    const r = parseIoStat(sample('elastic-io-stat/ubuntu/io.stat'), 'io.stat');
    expect(r.problems).toEqual([]);
    expect([...r.value.keys()]).toEqual(['7:4', '7:3']);
    expect(r.value.get('7:4')).toEqual({ readBytes: 556032, writeBytes: 0, reads: 78, writes: 0 });
    expect(r.value.get('7:3')).toEqual({ readBytes: 21017600, writeBytes: 0, reads: 629, writes: 0 });
  });

  it('reads big counters and ignores a trailing line of stats-less devices', () => {
    const r = parseIoStat(sample('elastic-io-stat/ubuntu2/io.stat'), 'io.stat');
    expect(r.problems).toEqual([]);
    expect(r.value.get('253:0')).toEqual({
      readBytes: 45931053056,
      writeBytes: 211814596608,
      reads: 1078394,
      writes: 21426614,
    });
    expect(r.value.get('259:0')?.writes).toBe(15358572);
    expect(r.value.size).toBe(2);
  });

  it('reports a garbled pair at file:line and keeps the other lines', () => {
    const r = parseIoStat('8:0 rbytes=1 wbytes=2 rios=3 wios=4\n8:16 rbytes=x\n', '/c/io.stat');
    expect(r.value.get('8:0')).toEqual({ readBytes: 1, writeBytes: 2, reads: 3, writes: 4 });
    expect(r.problems).toEqual([
      { place: '/c/io.stat:2', message: 'expected "<maj>:<min> key=<integer>…", got "8:16 rbytes=x"' },
    ]);
  });
});

describe('io.stat, read in place', () => {
  it('skips discard and io.cost keys, and reports pairs before any device', () => {
    const r = parseIoStat('8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6 cost.usage=7\n', 'io.stat');
    expect([...r.value]).toEqual([['8:0', { readBytes: 1, writeBytes: 2, reads: 3, writes: 4 }]]);
    expect(r.problems).toEqual([]);
    const bad = parseIoStat('rbytes=1\n', '/c/io.stat');
    expect(bad.value.size).toBe(0);
    expect(bad.problems.map((p) => p.place)).toEqual(['/c/io.stat:1']);
  });
});

describe('v1 blkio throttle files', () => {
  it('fills bytes from io_service_bytes and ops from io_serviced', () => {
    const dir =
      'elastic-amzn2-cgroupv1-eks-systemd-containerd/sys/fs/cgroup/blkio/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7a96c459_d529_44ae_9f99_90d3798d6426.slice/cri-containerd-1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496.scope';
    const io: BlockIo = new Map();
    const a = parseBlkioThrottle(sample(`${dir}/blkio.throttle.io_service_bytes_recursive`), 'b', 'bytes', io);
    const b = parseBlkioThrottle(sample(`${dir}/blkio.throttle.io_serviced_recursive`), 's', 'ops', io);
    expect([...a.problems, ...b.problems]).toEqual([]);
    expect(io.get('259:0')).toEqual({ readBytes: 3448832, writeBytes: 25203200, reads: 59, writes: 5048 });
  });

  it('reports a line that is not "<dev> <op> <n>"', () => {
    const r = parseBlkioThrottle('8:0 Read 5\n8:0 Write\nTotal 5\n', '/c/blkio', 'bytes', new Map());
    expect(r.value.get('8:0')?.readBytes).toBe(5);
    expect(r.problems).toEqual([
      { place: '/c/blkio:2', message: 'expected "<maj>:<min> <operation> <integer>", got "8:0 Write"' },
    ]);
  });
});

describe('pressure files', () => {
  it('reads some and full totals in microseconds', () => {
    const r = parsePressure(sample('node_exporter-proc-pressure/memory'), 'memory.pressure');
    expect(r.problems).toEqual([]);
    const raw = sample('node_exporter-proc-pressure/memory');
    const totals = [...raw.matchAll(/total=(\d+)/g)].map((m) => Number(m[1]));
    expect(r.value).toEqual({ someTotalUs: totals[0], fullTotalUs: totals[1] });
  });

  it('accepts a file with only a full line (irq.pressure)', () => {
    const r = parsePressure(sample('node_exporter-proc-pressure/irq'), 'irq.pressure');
    expect(r.problems).toEqual([]);
    expect(r.value.someTotalUs).toBeUndefined();
    expect(r.value.fullTotalUs).toBe(Number(/total=(\d+)/.exec(sample('node_exporter-proc-pressure/irq'))?.[1]));
  });

  it('keeps the good line of a file whose other line is garbled', () => {
    const r = parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=15\nfull total=x\n', '/c/io.pressure');
    expect(r.value).toEqual({ someTotalUs: 15 });
    expect(r.problems.map((p) => p.place)).toEqual(['/c/io.pressure:2']);
  });

  it('reports a line without total', () => {
    const r = parsePressure('some avg10=0.00\n', '/c/cpu.pressure');
    expect(r.problems).toEqual([
      {
        place: '/c/cpu.pressure:1',
        message: 'expected "some|full avg10=… avg60=… avg300=… total=<µs>", got "some avg10=0.00"',
      },
    ]);
  });
});

describe('flat keyed and single-value files', () => {
  it('reads cpu.stat and reports a bad line with its number', () => {
    const r = parseFlatKeyed('usage_usec 10\nuser_usec ten\nsystem_usec 3\n', '/c/cpu.stat');
    expect([...r.value]).toEqual([
      ['usage_usec', 10],
      ['system_usec', 3],
    ]);
    expect(r.problems).toEqual([
      { place: '/c/cpu.stat:2', message: 'expected "<key> <integer>", got "user_usec ten"' },
    ]);
  });

  it('reads a value that is not the kernel spelling by the careful path, and big counters exactly', () => {
    const r = parseFlatKeyed('anon  5\nfile 9007199254740993\nshmem -3\n', '/c/memory.stat');
    expect([...r.value]).toEqual([
      ['anon', 5],
      ['file', Number('9007199254740993')],
      ['shmem', -3],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('keeps only the wanted keys, and checks only their lines', () => {
    const r = parseFlatKeyed(
      'anon 5\nkernel ???\nfile 7\ninactive_file x\n',
      '/c/memory.stat',
      new Set(['file', 'inactive_file']),
    );
    expect([...r.value]).toEqual([['file', 7]]);
    expect(r.problems).toEqual([
      { place: '/c/memory.stat:4', message: 'expected "<key> <integer>", got "inactive_file x"' },
    ]);
  });

  it('reads numbers, max and cpu.max', () => {
    expect(parseSingleValue('-1\n', 'q').value).toBe(-1);
    expect(parseSingleValue('max\n', 'm', true).value).toBe('max');
    expect(parseSingleValue('max\n', 'm').problems).toEqual([
      { place: 'm:1', message: 'expected an integer, got "max\\n"' },
    ]);
    expect(parseSingleValue('', 'e').problems).toEqual([
      { place: 'e', message: 'expected a number, got an empty file' },
    ]);
    // Read in place (the kernel's spelling) or by the careful path: the same numbers.
    expect(parseSingleValue('9223372036854771712\n', 'v1').value).toBe(Number('9223372036854771712'));
    expect(parseSingleValue('123456789012345\n', 'n').value).toBe(123456789012345);
    expect(parseSingleValue('+7', 'p').value).toBe(7);
    expect(parseSingleValue(' 42 \n', 's').value).toBe(42);
    expect(parseSingleValue('12\n13\n', 'two').problems).toEqual([
      { place: 'two:1', message: 'expected an integer, got "12\\n13\\n"' },
    ]);
    expect(parseSingleValue('-\n', 'd').problems).toHaveLength(1);
    expect(parseSingleValue('0x1f\n', 'x').problems).toHaveLength(1);
    expect(parseCpuMax('max 100000\n', 'c').value).toEqual({ quotaUs: undefined, periodUs: 100000 });
    expect(parseCpuMax('20000 100000\n', 'c').value).toEqual({ quotaUs: 20000, periodUs: 100000 });
    expect(parseCpuMax('20000\n', '/c/cpu.max').problems).toEqual([
      { place: '/c/cpu.max:1', message: 'expected "<quota|max> <period>", got "20000\\n"' },
    ]);
  });
});

describe('mountinfo', () => {
  it('lists v1 controllers and v2 mounts, decoding escapes', () => {
    const r = parseCgroupMounts(
      [
        '38 30 0:33 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:18 - cgroup cgroup rw,cpu,cpuacct',
        '32 30 0:27 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,xattr,name=systemd',
        '31 30 0:26 / /host\\040dir/sys/fs/cgroup/unified rw shared:10 - cgroup2 cgroup rw',
        '22 1 0:5 / /proc rw - proc proc rw',
        'garbage',
      ].join('\n'),
      '/proc/self/mountinfo',
    );
    expect(r.value).toEqual([
      { version: 1, mountPoint: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'] },
      { version: 1, mountPoint: '/sys/fs/cgroup/systemd', controllers: [] },
      { version: 2, mountPoint: '/host dir/sys/fs/cgroup/unified', controllers: [] },
    ]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]?.place).toBe('/proc/self/mountinfo:5');
  });
});
