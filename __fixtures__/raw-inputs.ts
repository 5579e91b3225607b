import type { RawInputs } from '../src/inputs/inputs.js';

/** Every input as the runner passes it for a plain run: a diffs file, the defaults. */
export const valid: RawInputs = {
  'api-key': 'datafold-key',
  host: 'https://app.datafold.com',
  'ci-config-id': '123',
  diffs: 'diffs.json',
  'diffs-json': '',
  discover: '',
  'discover-paths': '',
  'prod-params': '',
  'pr-params': '',
  'prod-table': '',
  'pr-table': '',
  'sqlmesh-environment': '',
  'pr-number': '',
  'github-token': 'ghs_token',
  'skip-marker': 'datafold-skip-ci',
  'require-label': '',
  'base-branch': '',
  'files-to-ignore': '',
  'diff-threshold': '',
  'on-missing-run': 'warn',
  wait: 'false',
  'wait-timeout-minutes': '60',
  'fail-on': '',
  'fail-fast': 'false',
  'dry-run': 'false'
};
