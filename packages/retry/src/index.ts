export type { Clock } from './clock';
