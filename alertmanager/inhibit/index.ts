export { Inhibitor } from './inhibitor.js';
