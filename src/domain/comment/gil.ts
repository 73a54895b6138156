// The free-threaded variants whose GIL an extension module turned back on.
import { codeSpan } from '../escape.js';
import type { Report } from '../report.js';
import { plural, type Section } from './format.js';

export function gilSection(report: Report): Section | null {
  const affected = report.variants.filter((v) => v.gil.reenabledBy.length > 0);
  if (affected.length === 0) return null;
  const items = affected.map(
    (v) =>
      `- ${codeSpan(v.name, { where: 'prose', maxLength: 60 })}: ${v.gil.reenabledBy
        .map((m) => codeSpan(m, { where: 'prose', maxLength: 120 }))
        .join(', ')}`,
  );
  const intro =
    'Importing these extension modules turned the GIL back on for the whole process, so these runs had a GIL. ' +
    'A module declares that it runs without the GIL with `Py_mod_gil` (PEP 703); until then, `PYTHON_GIL=0` forces it off at your own risk.';
  return {
    summary: `🔒 GIL re-enabled (${plural(affected.length, 'variant')})`,
    count: items.length,
    body: (k) => `${intro}\n\n${items.slice(0, k).join('\n')}`,
  };
}
