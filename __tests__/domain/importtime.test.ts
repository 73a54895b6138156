import { describe, expect, it } from 'vitest';
import { heaviestImports, parseImportTime } from '../../src/domain/importtime.js';

// Real stderr of CPython 3.13.0 on Linux:
//   python3.13 -X importtime -W always -c "import json; import warnings; warnings.warn('deprecated thing', DeprecationWarning)"
// Startup's own imports come first at depth 0 (encodings, site, ...), then the command's; the
// warning at the end is the program's own stderr.
const JSON_313 = `import time: self [us] | cumulative | imported package
import time:       423 |        423 |   _io
import time:        37 |         37 |   marshal
import time:       909 |        909 |   posix
import time:      1458 |       2826 | _frozen_importlib_external
import time:       197 |        197 |   time
import time:       922 |       1119 | zipimport
import time:        77 |         77 |     _codecs
import time:      1189 |       1265 |   codecs
import time:      1514 |       1514 |   encodings.aliases
import time:      6666 |       9443 | encodings
import time:      2832 |       2832 | encodings.utf_8
import time:       288 |        288 | _signal
import time:        51 |         51 |     _abc
import time:       347 |        397 |   abc
import time:       316 |        713 | io
import time:      3294 |       3294 | warnings
import time:        99 |         99 |       _stat
import time:       326 |        425 |     stat
import time:      1560 |       1560 |     _collections_abc
import time:       146 |        146 |       genericpath
import time:       257 |        402 |     posixpath
import time:      1307 |       3693 |   os
import time:       125 |        125 |   _sitebuiltins
import time:      1161 |       1161 |   encodings.utf_8_sig
import time:       699 |        699 |   certifi
import time:        59 |         59 |   sitecustomize
import time:        42 |         42 |   usercustomize
import time:      2930 |       8706 | site
import time:      1015 |       1015 | linecache
import time:      1777 |       1777 |         types
import time:      3780 |       5557 |       enum
import time:       146 |        146 |         _sre
import time:       814 |        814 |           re._constants
import time:      1643 |       2457 |         re._parser
import time:       644 |        644 |         re._casefix
import time:      1619 |       4864 |       re._compiler
import time:       211 |        211 |           itertools
import time:       656 |        656 |           keyword
import time:       109 |        109 |             _operator
import time:      1575 |       1683 |           operator
import time:      1038 |       1038 |           reprlib
import time:       117 |        117 |           _collections
import time:      3771 |       7474 |         collections
import time:        54 |         54 |         _functools
import time:      2061 |       9587 |       functools
import time:      1137 |       1137 |       copyreg
import time:      2032 |      23174 |     re
import time:    461212 |     461212 |       _json
import time:      1920 |     463131 |     json.scanner
import time:      1401 |     487705 |   json.decoder
import time:      3687 |       3687 |   json.encoder
import time:      1218 |     492609 | json
<string>:1: DeprecationWarning: deprecated thing
  import json; import warnings; warnings.warn('deprecated thing', DeprecationWarning)
`;

describe('parseImportTime', () => {
  const parsed = parseImportTime(JSON_313);

  it('reads every row, in the order CPython printed them', () => {
    expect(parsed.modules).toHaveLength(52);
    expect(parsed.modules[0]).toEqual({ module: '_io', selfUs: 423, cumulativeUs: 423, depth: 1 });
    expect(parsed.modules.at(-1)).toEqual({ module: 'json', selfUs: 1218, cumulativeUs: 492609, depth: 0 });
  });

  it.each([
    { module: '_frozen_importlib_external', selfUs: 1458, cumulativeUs: 2826, depth: 0 },
    { module: 'encodings.aliases', selfUs: 1514, cumulativeUs: 1514, depth: 1 },
    { module: '_codecs', selfUs: 77, cumulativeUs: 77, depth: 2 },
    { module: 'enum', selfUs: 3780, cumulativeUs: 5557, depth: 3 },
    { module: 're._constants', selfUs: 814, cumulativeUs: 814, depth: 5 },
    { module: '_operator', selfUs: 109, cumulativeUs: 109, depth: 6 },
    { module: '_json', selfUs: 461212, cumulativeUs: 461212, depth: 3 },
  ])('$module: depth $depth from its indentation', (row) => {
    expect(parsed.modules.find((m) => m.module === row.module)).toEqual(row);
  });

  it('totals the top-level cumulative times', () => {
    // 2826 + 1119 + 9443 + 2832 + 288 + 713 + 3294 + 8706 + 1015 + 492609
    expect(parsed.totalUs).toBe(522845);
  });

  it.each([
    {
      name: 'warnings and other output between rows',
      stderr: [
        'import time: self [us] | cumulative | imported package',
        'import time:       100 |        100 |   child',
        "/venv/lib/python3.13t/site-packages/ext/__init__.py:1: RuntimeWarning: The global interpreter lock (GIL) has been enabled to load module 'ext._core'",
        '  from ._core import *',
        'import time:        50 |        150 | parent',
        'Traceback (most recent call last):',
      ].join('\n'),
      modules: [
        { module: 'child', selfUs: 100, cumulativeUs: 100, depth: 1 },
        { module: 'parent', selfUs: 50, cumulativeUs: 150, depth: 0 },
      ],
      totalUs: 150,
    },
    {
      name: 'Windows line ends',
      stderr:
        'import time: self [us] | cumulative | imported package\r\nimport time:         7 |          7 | a\r\n',
      modules: [{ module: 'a', selfUs: 7, cumulativeUs: 7, depth: 0 }],
      totalUs: 7,
    },
    {
      name: 'numbers wider than their columns',
      stderr: 'import time: 1234567890 | 12345678901 | slow',
      modules: [{ module: 'slow', selfUs: 1234567890, cumulativeUs: 12345678901, depth: 0 }],
      totalUs: 12345678901,
    },
    {
      // 3.14's -X importtime=2 also lists modules found already imported (CPython's
      // "import time: cached    | cached     | %*s"): no time to count.
      name: 'rows of modules already imported',
      stderr: 'import time: cached    | cached     |   os\nimport time:        10 |         10 | b',
      modules: [{ module: 'b', selfUs: 10, cumulativeUs: 10, depth: 0 }],
      totalUs: 10,
    },
    {
      name: 'no importtime output at all',
      stderr: 'ModuleNotFoundError: No module named x',
      modules: [],
      totalUs: 0,
    },
  ])('$name', ({ stderr, modules, totalUs }) => {
    expect(parseImportTime(stderr)).toEqual({ modules, totalUs });
  });
});

describe('heaviestImports', () => {
  const parsed = parseImportTime(JSON_313);
  const names = (options: Parameters<typeof heaviestImports>[1]) =>
    heaviestImports(parsed, options).map((row) => row.module);

  it.each([
    { options: { count: 3 }, expected: ['json', 'json.decoder', 'json.scanner'] },
    { options: { count: 3, by: 'cumulative' as const }, expected: ['json', 'json.decoder', 'json.scanner'] },
    { options: { count: 3, by: 'self' as const }, expected: ['_json', 'encodings', 'enum'] },
    { options: { count: 0 }, expected: [] },
  ])('$options', ({ options, expected }) => {
    expect(names(options)).toEqual(expected);
  });

  it('returns every row when asked for more than there are', () => {
    expect(heaviestImports(parsed, { count: 1000 })).toHaveLength(parsed.modules.length);
  });

  it('leaves the parsed rows in their order', () => {
    heaviestImports(parsed, { count: 5 });
    expect(parsed.modules[0]?.module).toBe('_io');
  });
});
