/** Evaluation calls are measurements, not traffic: tagged eval:<run>, left out of spend and savings unless asked. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { startEvalGateway } from '../../src/eval/eval-gateway.js';
import { GatewayClient } from '../../src/eval/gateway-client.js';
import { SpendReports } from '../../src/governance/spend.js';
import { fastConfigText, tempDirectory } from './helpers.js';

describe('interactive eval runs in the request log', () => {
  it('are recorded under key eval:<run> and counted in spend and savings only with includeEval', async () => {
    const directory = tempDirectory();
    const config = parseConfigText(fastConfigText(join(directory, 'traffic.db')), {}, 'test');
    const gateway = await startEvalGateway(config, 'tagged');
    try {
      expect(gateway.runKey).toMatch(/^sy-internal-/);
      const client = new GatewayClient(gateway.url, gateway.runKey as string);
      const outcome = await client.chat({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'What is 2 + 3?' }] });
      expect(outcome.error).toBeNull();
      const plain = await new GatewayClient(gateway.url, 'unused').chat({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'What is 4 + 5?' }] });
      expect(plain.error).toBeNull();
    } finally {
      await gateway.stop(2000);
    }
    const reports = new SpendReports(config.store.sqlitePath, () => undefined);
    try {
      const byKey = (includeEval: boolean) => reports.spend('key', {}, { includeEval }).map((row) => [row.group, row.requests]);
      expect(byKey(false)).toEqual([[null, 1]]);
      expect(byKey(true)).toEqual(expect.arrayContaining([[null, 1], ['eval:tagged', 1]]));
      expect(reports.spend('key', {}, { keyId: 'eval:tagged' })).toHaveLength(1);
      const price = { input: 1.75, output: 14 };
      const requests = (includeEval: boolean) => reports.savings(price, {}, { includeEval }).reduce((sum, row) => sum + row.requests, 0);
      expect(requests(false)).toBe(1);
      expect(requests(true)).toBe(2);
    } finally {
      reports.close();
    }
  });
});
