// Markdown tables of a model directory's stored metrics (validation and test), for docs/training.md.
//   node bench/training-build.mjs bench/training-table.ts && node runs/bin/training-table.js models/mem-xanes-v1
import { readMetadata } from '../server/src/model/modelFiles';
import { formatMetricsMarkdown } from '../server/src/training/format';
import type { DomainMetrics } from '../server/src/training/metrics';

const meta = readMetadata(process.argv[2] ?? 'models/mem-xanes-v1');
const metrics = (meta.metrics ?? {}) as Record<string, Record<string, Record<string, DomainMetrics>>>;
for (const side of ['val', 'test']) {
  if (!metrics[side]) continue;
  console.log(`\n### ${side === 'val' ? 'Validation' : 'Test (held out, never used for selection)'}\n`);
  console.log(formatMetricsMarkdown(metrics[side]));
}
