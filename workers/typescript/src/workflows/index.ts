/**
 * The TypeScript worker's workflow registration list (seeds pattern 5): the SDK registers every
 * function this module exports, so it exports exactly these and nothing else. A test checks the
 * list against routing.ts's WORKFLOWS.
 */
export { WorkflowDemoMixed, WorkflowDemoPython, WorkflowDemoTypeScript } from './demo.js';
export { LongTimerWorkflow } from './long-timer.js';
export { SummarizePatientContextWorkflow } from './summarize-patient-context.js';
