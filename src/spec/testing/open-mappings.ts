/**
 * The JSON pointers of the mappings a JSON Schema leaves open (with `properties` but without
 * `additionalProperties: false` or a schema for the other keys): editors would not flag an unknown
 * field there.
 */
export function openMappings(schema: unknown): string[] {
  const open: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`));
    else if (node !== null && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      // A mapping with fixed fields must close itself; one whose other keys take a schema of their
      // own (env: any variable name, plus the reserved `inherit`) is a typed map, not an open one.
      const rest = n['additionalProperties'];
      if (n['properties'] && (rest === undefined || rest === true)) open.push(path);
      for (const [k, v] of Object.entries(n)) walk(v, `${path}/${k}`);
    }
  };
  walk(schema, '#');
  return open;
}
