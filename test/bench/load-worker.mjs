// A closed-loop HTTP load in a worker thread: `connections` loops, each sending its next request as soon as
// the previous one answered, for `seconds`. Connection k walks paths k, k + connections, … so that with as
// many paths as connections no two loops ever target the same path at once.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { baseUrl, method, paths, headers, body, connections, seconds } = workerData;
const url = new URL(baseUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const statuses = {};
const latencies = [];

function send(path) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      { host: url.hostname, port: url.port, path, method, headers, agent },
      (response) => {
        response.resume();
        response.on('end', () => resolve([response.statusCode, performance.now() - started]));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const deadline = performance.now() + seconds * 1000;
let errors = 0;
await Promise.all(
  Array.from({ length: connections }, async (_, k) => {
    for (let i = k; performance.now() < deadline; i += connections) {
      try {
        const [status, ms] = await send(paths[i % paths.length]);
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies.push(ms);
      } catch {
        errors++;
      }
    }
  }),
);
agent.destroy();
parentPort.postMessage({ statuses, errors, latencies, seconds });
