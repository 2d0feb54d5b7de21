import { defineKitVitest } from '@kit/vitest-config';

// The start tests run whole sessions in child processes (8 s of scripted faults plus start-up and
// checks); on a loaded 2-core CI box that can pass the preset's 20 s.
export default defineKitVitest({ test: { testTimeout: 60_000 } });
