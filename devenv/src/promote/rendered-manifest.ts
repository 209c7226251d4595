import { parseAllDocuments } from 'yaml';

/** One way in: a Service and the port-forward command that reaches it from this machine. */
export interface Endpoint {
  readonly service: string;
  readonly ports: readonly { readonly name: string | undefined; readonly port: number }[];
  readonly command: string;
}

/**
 * The Services in a rendered release (`helm get manifest`, `helm template`) and how to reach each
 * from this machine. Ports forward to the same local number, as the native stack uses them.
 */
export function endpointsFromManifest(
  manifest: string,
  namespace: string,
  context: string,
): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const object: unknown = doc.toJS();
    if (!isRecord(object) || object['kind'] !== 'Service') continue;
    const metadata = object['metadata'];
    const spec = object['spec'];
    if (!isRecord(metadata) || typeof metadata['name'] !== 'string' || !isRecord(spec)) continue;
    const ports = (Array.isArray(spec['ports']) ? (spec['ports'] as unknown[]) : [])
      .filter(isRecord)
      .filter((p) => typeof p['port'] === 'number')
      .map((p) => ({
        name: typeof p['name'] === 'string' ? p['name'] : undefined,
        port: p['port'] as number,
      }));
    if (ports.length === 0) continue;
    const service = metadata['name'];
    const ns = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : namespace;
    endpoints.push({
      service,
      ports,
      command: `kubectl --context ${context} --namespace ${ns} port-forward service/${service} ${ports.map((p) => `${p.port}:${p.port}`).join(' ')}`,
    });
  }
  return endpoints.sort((a, b) => a.service.localeCompare(b.service));
}

/** Every container image of the workloads and test pods in a rendered chart, sorted. Pure. */
export function imagesFromManifest(manifest: string): string[] {
  const images = new Set<string>();
  for (const doc of parseAllDocuments(manifest)) {
    const object: unknown = doc.toJS();
    if (!isRecord(object)) continue;
    const spec = object['spec'];
    if (!isRecord(spec)) continue;
    // Pod → spec; Deployment, StatefulSet, Job → spec.template.spec; CronJob → one level deeper.
    const jobTemplate = isRecord(spec['jobTemplate']) ? spec['jobTemplate']['spec'] : undefined;
    const template = isRecord(jobTemplate) ? jobTemplate['template'] : spec['template'];
    const podSpec = isRecord(template) && isRecord(template['spec']) ? template['spec'] : spec;
    for (const key of ['initContainers', 'containers']) {
      const containers = podSpec[key];
      if (!Array.isArray(containers)) continue;
      for (const c of containers as unknown[])
        if (isRecord(c) && typeof c['image'] === 'string') images.add(c['image']);
    }
  }
  return [...images].sort();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
