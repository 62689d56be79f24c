// The deployment files' own tests: the Compose stack and the Helm chart, parsed and checked without Docker or a cluster.
// The first run of the chart test may install helm (`scripts/services.sh helm` compiles it once per machine).
module.exports = { ...require('../jest.preset.cjs')('deploy', __dirname), testTimeout: 60_000 };
