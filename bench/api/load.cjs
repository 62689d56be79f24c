// The load generator of the API benchmark, in a process of its own so that the load it makes does not share an
// event loop with the API under test. Usage: node load.cjs CONFIG.json, where CONFIG holds
//   { url, method, headers, body?, bodies?: [{ headers, body }], connections, duration, amount?, overallRate? }
// (`bodies` are sent one after the other, each once: signed registrations must not be replayed). Prints one JSON line.
const { readFileSync } = require('node:fs');
const autocannon = require('autocannon');

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let next = 0;
const options = {
  url: config.url,
  method: config.method ?? 'GET',
  headers: config.headers ?? {},
  body: config.body,
  connections: config.connections ?? 10,
  duration: config.duration ?? 10,
  amount: config.amount,
  overallRate: config.overallRate,
  timeout: 10,
};
if (config.bodies) {
  options.requests = [
    {
      setupRequest: (request) => {
        const entry = config.bodies[next++ % config.bodies.length];
        return { ...request, headers: { ...request.headers, ...entry.headers }, body: entry.body };
      },
    },
  ];
}
autocannon(options, (error, result) => {
  if (error) {
    console.error(error.message);
    process.exit(1);
  }
  const seconds = result.duration || options.duration;
  console.log(
    JSON.stringify({
      requests: result.requests.total,
      requestsPerSecond: result.requests.total / seconds,
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
      latencyMax: result.latency.max,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      seconds,
    }),
  );
});
