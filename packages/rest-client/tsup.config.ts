import { defineKitBuild } from '@kit/build-config';

export default defineKitBuild({ entry: { index: 'src/index.ts', undici: 'src/undici/index.ts' } });
