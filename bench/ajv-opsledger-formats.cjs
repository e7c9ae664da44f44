'use strict';
// ajv-cli `-c` module: adds opsledger's formats (opsledger-duration, openslo-duration,
// local-date-time, and the ajv-formats ones the schemas use) to ajv-cli's Ajv instance.
// ajv-cli loads it with require(), so it is CommonJS. It uses the project's own definitions
// from dist/core/schema/formats.js (built by `npm run build`) when this Node can require an ES
// module (Node >= 20.19), and otherwise the copies below, kept identical to
// src/core/schema/formats.ts and src/core/duration.ts.
const path = require('node:path');

function fallback(ajv) {
  const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
  const OPENSLO_DURATION = /^\d+[smhdwMQy]$/;
  const DURATION = /^(?:\d+[smhdw])+$/;
  require('ajv-formats')(ajv, ['date-time', 'date', 'time', 'uri', 'email', 'uri-reference']);
  ajv.addFormat('opsledger-duration', { type: 'string', validate: (s) => DURATION.test(s) });
  ajv.addFormat('opsledger-deadline', { type: 'string', validate: (s) => DURATION.test(s) || /^([1-9][0-9]{0,2})bd$/.test(s) });
  ajv.addFormat('openslo-duration', { type: 'string', validate: (s) => OPENSLO_DURATION.test(s) });
  ajv.addFormat('local-date-time', {
    type: 'string',
    validate: (text) => {
      if (!LOCAL_DATE_TIME.test(text)) return false;
      const d = new Date(text + 'Z');
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text.slice(0, 10);
    },
  });
  return ajv;
}

module.exports = function addOpsledgerFormatsForAjvCli(ajv) {
  let own;
  try {
    own = require(path.join(__dirname, '..', 'dist', 'core', 'schema', 'formats.js')).addOpsledgerFormats;
  } catch {
    own = undefined;
  }
  return typeof own === 'function' && process.env.BENCH_AJV_FORMATS !== 'fallback' ? own(ajv) : fallback(ajv);
};
