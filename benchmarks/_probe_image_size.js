// Run npm probe-image-size on every URL listed (JSON array) in the file argv[3],
// CONCURRENCY at a time; print one JSON object {url: result} on stdout.
// Usage: node _probe_image_size.js NODE_DIR URLS.json CONCURRENCY
'use strict';
const path = require('path');
const fs = require('fs');
const probe = require(path.join(process.argv[2], 'node_modules', 'probe-image-size'));
const urls = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const concurrency = Number(process.argv[4] || 4);
const out = {};
let next = 0;
async function worker() {
  while (next < urls.length) {
    const url = urls[next++];
    try {
      const r = await probe(url, { timeout: 10000, response_timeout: 10000, read_timeout: 10000 });
      out[url] = { width: r.width, height: r.height, type: r.type, orientation: r.orientation || null };
    } catch (err) {
      out[url] = { error: String(err && err.message ? err.message : err) };
    }
  }
}
Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  process.stdout.write(JSON.stringify(out));
});
