import { defineKitBuild } from '@kit/build-config';

export default defineKitBuild();
