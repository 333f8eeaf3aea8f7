export { createPipeline } from './pipeline.js';
export type { LabelledSource, Pipeline, PipelineOptions } from './pipeline.js';
export { scheduleEvery } from './scheduler.js';
export type { ScheduleOptions } from './scheduler.js';
