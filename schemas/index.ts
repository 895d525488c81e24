export * from './src/api.ts';
export * from './src/failures.ts';
export * from './src/measurement.ts';
export * from './src/steps.ts';
