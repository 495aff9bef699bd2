/** Old path of tracking-api-error.ts, kept while the exporter still imports it. */
export * from './tracking-api-error';
