/** Public surface of the Docker agent. */
export {
  DockerAgent,
  secondsOption,
  type AgentLog,
  type AgentStats,
  type DockerAgentOptions,
  type OnceResult,
} from './agent.js';
export { catalogDaemonImage } from './catalog.js';
export { EventBuffer, DEFAULT_BUFFER_CAPACITY } from './event-buffer.js';
export { toContainerReport, toSimpleEvent } from './report.js';
export { createServerLink, isRetryable, type ServerLink, type ServerLinkOptions } from './server-link.js';
