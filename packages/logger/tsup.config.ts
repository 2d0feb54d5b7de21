import { defineKitBuild } from '@kit/build-config';

export default defineKitBuild({
  entry: { index: 'src/index.ts', testing: 'src/testing.ts', internal: 'src/internal.ts' },
});
