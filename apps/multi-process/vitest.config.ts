import { defineKitVitest } from '@kit/vitest-config';

// The files start real processes, Redis and nginx and measure rates: one file at a time, so they
// do not compete for the two cores with each other.
export default defineKitVitest({ test: { fileParallelism: false } });
