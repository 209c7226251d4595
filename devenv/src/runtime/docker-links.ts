import type Dockerode from 'dockerode';
import type { ServiceSpec } from '../model/stack.js';
import { endpointLinks } from './docker-container-options.js';
import type { LabelScope } from './docker-labels.js';

/**
 * The service's `links:` aliases whose target container runs in this session. The Engine refuses
 * to create a container linked to one that does not exist, and a linked service may run natively
 * (or as replicas `x-1`, `x-2`): such a link is left out, and `notes` say so, rather than the
 * start failing for an alias.
 */
export async function presentLinks(
  docker: Dockerode,
  spec: ServiceSpec,
  scope: LabelScope,
): Promise<{ links: string[]; notes: string[] }> {
  const links: string[] = [];
  const notes: string[] = [];
  for (const link of endpointLinks(spec.container, scope)) {
    const [target = link, alias = ''] = link.split(':');
    const found = await docker
      .getContainer(target)
      .inspect()
      .catch(() => undefined);
    if (found?.State.Running === true) links.push(link);
    else
      notes.push(`links: alias "${alias}" is not set: no container ${target} runs in this session`);
  }
  return { links, notes };
}
