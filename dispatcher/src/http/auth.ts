/** The bearer-token check every control endpoint on the machine shares. */
export { bearerMatches } from '../../../devenv/shared/control-request.js';
