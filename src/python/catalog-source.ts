// The catalog in force: the embedded one (scripts/gen-catalog.mjs writes it), or the
// `prebuilt-catalog` input's file or URL for mirrors that serve other archives.
import { readFile } from 'node:fs/promises';
import { CatalogError, parseCatalog, type Catalog } from '../domain/catalog.js';
import embedded from './catalog-data.json' with { type: 'json' };

let builtin: Catalog | undefined;

export function embeddedCatalog(): Catalog {
  builtin ??= parseCatalog(embedded as unknown, "the action's python-build-standalone catalog");
  return builtin;
}

/** `spec`: the prebuilt-catalog input (URL or path), or null for the embedded catalog. */
export async function loadCatalog(spec: string | null): Promise<Catalog> {
  if (spec === null) return embeddedCatalog();
  const source = `prebuilt-catalog ${spec}`;
  let text: string;
  try {
    if (/^https?:\/\//i.test(spec)) {
      const response = await fetch(spec, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) throw new Error(`it answered ${response.status} ${response.statusText}`);
      text = await response.text();
    } else {
      text = await readFile(spec, 'utf8');
    }
  } catch (error) {
    throw new CatalogError(
      `cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(
      `${source} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseCatalog(data, source);
}
