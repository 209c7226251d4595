// The `stress` profile (lib/profiles.js). Run: `devenv load stress` (or k6 run with -e TARGET=…).
import { optionsFor } from '../lib/profiles.js';

export { setup, httpStarts, grpcStarts } from '../lib/scenarios.js';
export const options = optionsFor('stress');
