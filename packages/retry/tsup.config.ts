import { defineKitBuild } from '@kit/build-config';

export default defineKitBuild({
  entry: { index: 'src/index.ts', redis: 'src/redis.ts', internal: 'src/internal.ts' },
});
