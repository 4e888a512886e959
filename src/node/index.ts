// Node entry point: the browser-safe API plus file helpers.
export * from '../index.js';
export * from './files.js';
export * from './images.js';
