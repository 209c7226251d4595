import { messageOf } from '../../shared/result.js';
import type { ContainerFacts } from './leftover-check.js';

/** Reads a container's labels from the Engine; the reaper checks them before removing it. */
export type ContainerLabels = (id: string) => Promise<ContainerFacts>;

/** The Docker Engine's answer, loading dockerode only when a session did record containers. */
export const engineContainerLabels: ContainerLabels = async (id) => {
  const { default: Dockerode } = await import('dockerode');
  try {
    const inspected = await new Dockerode().getContainer(id).inspect();
    return { kind: 'labels', labels: inspected.Config.Labels ?? {} };
  } catch (error) {
    const status = (error as { statusCode?: unknown } | null)?.statusCode;
    if (status === 404) return { kind: 'gone' };
    return { kind: 'unknown', why: messageOf(error) };
  }
};
