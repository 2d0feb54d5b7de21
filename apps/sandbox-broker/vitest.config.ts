import { defineKitVitest } from '@kit/vitest-config';

export default defineKitVitest();
