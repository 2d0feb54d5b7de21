export type { ManualClock, ManualClockOptions } from './manual-clock';
export { createManualClock, DEFAULT_MANUAL_CLOCK_OPTIONS } from './manual-clock';
