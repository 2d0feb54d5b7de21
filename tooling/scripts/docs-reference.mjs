// Placeholder until the configuration and API reference generator lands: writes no pages.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function generateReference({ generatedDir }) {
  writeFileSync(join(generatedDir, 'reference-sidebar.json'), '[]');
}
