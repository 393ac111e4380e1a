/**
 * The JSON pointers of the mappings a JSON Schema leaves open (with `properties` but without
 * `additionalProperties: false`): editors would not flag an unknown field there.
 */
export function openMappings(schema: unknown): string[] {
  const open: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`));
    else if (node !== null && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (n['properties'] && n['additionalProperties'] !== false) open.push(path);
      for (const [k, v] of Object.entries(n)) walk(v, `${path}/${k}`);
    }
  };
  walk(schema, '#');
  return open;
}
